import type { GoalRefusal } from "@pursuit/core";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorResponse } from "./schemas/error-schema.js";

/** An error answer: status plus the `{"error":{code,message,field?}}` body. */
export type ApiError<S extends ContentfulStatusCode = ContentfulStatusCode> = { status: S; body: ErrorResponse };

export function apiError<S extends ContentfulStatusCode>(
  status: S,
  code: string,
  message: string,
  field?: string,
): ApiError<S> {
  return { status, body: { error: field === undefined ? { code, message } : { code, message, field } } };
}

export const sessionNotFound = (sessionID: string): ApiError<404> =>
  apiError(404, "session_not_found", `no session with id "${sessionID}"`, "id");

/** How each engine refusal reads over HTTP. */
export function refusalError(refusal: GoalRefusal): ApiError<400 | 403 | 404 | 409 | 422> {
  switch (refusal.code) {
    case "invalid":
      return apiError(400, "invalid_request", withField(refusal), refusal.field);
    case "not_found":
      return apiError(404, "goal_not_found", refusal.message, refusal.field);
    case "conflict":
      return apiError(409, "conflict", refusal.message, refusal.field);
    case "forbidden":
      return apiError(403, "forbidden", refusal.message, refusal.field);
    case "verify_failed":
      return apiError(422, "verify_failed", refusal.message, refusal.field);
  }
}

/** Core messages usually name the field already; prefix it only when they do not. */
function withField(refusal: GoalRefusal): string {
  if (!refusal.field || refusal.message.startsWith(refusal.field)) return refusal.message;
  return `${refusal.field}: ${refusal.message}`;
}
