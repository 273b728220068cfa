import type { Context } from "hono";
import type { z } from "zod";
import { apiError } from "./api-error.js";

type HookResult = { target: string } & ({ success: true; data: unknown } | { success: false; error: z.ZodError });

/**
 * zod-openapi's default hook: a request that fails its schema gets 400 `invalid_request` naming the first bad
 * field (`limits.tokens`, `objective`, the query parameter `status`...). All issues are listed in the message.
 */
export function validationHook(result: HookResult, c: Context): Response | undefined {
  if (result.success) return undefined;
  const issues = result.error.issues.map(describeIssue);
  const first = issues[0];
  const where = result.target === "json" ? "body" : result.target;
  const message = issues.map((issue) => `${issue.field || where}: ${issue.message}`).join("; ");
  const error = apiError(400, "invalid_request", message || `invalid ${where}`, first?.field || where);
  return c.json(error.body, error.status);
}

function describeIssue(issue: z.core.$ZodIssue): { field: string; message: string } {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const field = [...path, issue.keys[0] ?? ""].join(".");
    return {
      field,
      message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`,
    };
  }
  // zod leaves the input out of issues; its message tells a missing value from a wrong one.
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
    return { field: path.join("."), message: "required" };
  }
  return { field: path.join("."), message: issue.message };
}
