import { z } from "@hono/zod-openapi";

/** Every error the API answers: a stable code, a message a person can act on, and the field at fault if any. */
export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_request" }),
      message: z.string().openapi({ example: "limits.tokens: Too small: expected number to be >0" }),
      field: z.string().optional().openapi({ example: "limits.tokens" }),
    }),
  })
  .openapi("ErrorResponse");

export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 415 | 422 | 502;

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: "Bad input (malformed JSON, wrong type, out of range, unknown field)",
  401: "A password is configured and the request did not carry it",
  403: "The change is not allowed",
  404: "No such session or goal",
  409: "The change conflicts with the goal's state",
  415: "The body is not JSON",
  422: "The goal's verify command did not pass",
  502: "The turn failed: the model could not be reached or is not configured",
};

type ErrorEntry = { description: string; content: { "application/json": { schema: typeof ErrorResponseSchema } } };

/** Response entries for the errors a route may answer, keyed by status, for `createRoute`. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): { [K in S]: ErrorEntry } {
  const entries = {} as { [K in S]: ErrorEntry };
  for (const status of statuses) {
    entries[status] = {
      description: DESCRIPTIONS[status],
      content: { "application/json": { schema: ErrorResponseSchema } },
    };
  }
  return entries;
}
