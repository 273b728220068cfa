/** The API's error body `{error:{code,message,field?}}`, or a stand-in for a failure without one. */
export type ApiError = { code: string; message: string; field?: string };

export function apiErrorOf(error: unknown, status?: number): ApiError {
  const body = (error as { error?: Partial<ApiError> } | undefined)?.error;
  if (body && typeof body.message === "string") {
    return { code: body.code ?? "error", message: body.message, ...(body.field ? { field: body.field } : {}) };
  }
  return { code: "error", message: status ? `the server answered ${status}` : "the server could not be reached" };
}

/** Unwraps an SDK result: the data, or a thrown ApiError-carrying Error (react-query shows it). */
export async function unwrap<T>(request: Promise<{ data?: T; error?: unknown; response?: Response }>): Promise<T> {
  const result = await request;
  if (result.error !== undefined || !result.response?.ok) {
    throw new ApiRequestError(apiErrorOf(result.error, result.response?.status), result.response?.status);
  }
  return result.data as T;
}

export class ApiRequestError extends Error {
  constructor(
    readonly detail: ApiError,
    readonly status?: number,
  ) {
    super(detail.message);
    this.name = "ApiRequestError";
  }
}
