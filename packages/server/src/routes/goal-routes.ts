import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GoalPatch } from "@pursuit/core";
import type { Context } from "hono";
import { type ApiError, refusalError, sessionNotFound } from "../api-error.js";
import type { GoalApiRuntime } from "../api-runtime.js";
import { type ErrorStatus, errorResponses } from "../schemas/error-schema.js";
import { GoalHistoryEntrySchema } from "../schemas/goal-history-schemas.js";
import {
  GoalClearedSchema,
  GoalContinuationSchema,
  GoalCreateInputSchema,
  GoalListQuerySchema,
  GoalPatchInputSchema,
  GoalSchema,
} from "../schemas/goal-schemas.js";
import { SessionIdParamSchema } from "../schemas/session-schemas.js";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

const getGoal = createRoute({
  method: "get",
  path: "/session/{id}/goal",
  operationId: "goal.get",
  tags: ["goal"],
  summary: "The session's goal, or null",
  request: { params: SessionIdParamSchema },
  responses: {
    200: json(z.union([GoalSchema, z.null()]), "The goal, or null when the session has none"),
    ...errorResponses(404),
  },
});

const createGoal = createRoute({
  method: "post",
  path: "/session/{id}/goal",
  operationId: "goal.create",
  tags: ["goal"],
  summary: "Set a goal; an idle session starts working on it at once",
  request: { params: SessionIdParamSchema, body: jsonBody(GoalCreateInputSchema) },
  responses: { 201: json(GoalSchema, "The new goal"), ...errorResponses(400, 403, 404, 409, 415, 422) },
});

const updateGoal = createRoute({
  method: "patch",
  path: "/session/{id}/goal",
  operationId: "goal.update",
  tags: ["goal"],
  summary: "Edit, pause, resume, complete or change the limits of the goal (all or nothing)",
  request: { params: SessionIdParamSchema, body: jsonBody(GoalPatchInputSchema) },
  responses: { 200: json(GoalSchema, "The goal afterwards"), ...errorResponses(400, 403, 404, 409, 415, 422) },
});

const clearGoal = createRoute({
  method: "delete",
  path: "/session/{id}/goal",
  operationId: "goal.clear",
  tags: ["goal"],
  summary: "Delete the goal (its history remains) and stop pursuing it",
  request: { params: SessionIdParamSchema },
  responses: { 200: json(GoalClearedSchema, "The goal is gone"), ...errorResponses(400, 403, 404, 409, 422) },
});

const goalHistory = createRoute({
  method: "get",
  path: "/session/{id}/goal/history",
  operationId: "goal.history",
  tags: ["goal"],
  summary: "The session's append-only goal history, oldest first",
  request: { params: SessionIdParamSchema },
  responses: { 200: json(z.array(GoalHistoryEntrySchema), "History rows"), ...errorResponses(404) },
});

const goalContinuation = createRoute({
  method: "get",
  path: "/session/{id}/goal/continuation",
  operationId: "goal.continuation",
  tags: ["goal"],
  summary: "What happens next without anyone acting: a turn running, a continuation due (when), or nothing",
  request: { params: SessionIdParamSchema },
  responses: { 200: json(GoalContinuationSchema, "The session's next step"), ...errorResponses(404) },
});

const listGoals = createRoute({
  method: "get",
  path: "/goal",
  operationId: "goal.list",
  tags: ["goal"],
  summary: "Goals across sessions, optionally with one status",
  request: { query: GoalListQuerySchema },
  responses: { 200: json(z.array(GoalSchema), "Goals"), ...errorResponses(400) },
});

/** The goal routes. Every change goes through the runtime, which also starts work on an idle session. */
export function registerGoalRoutes(app: OpenAPIHono, runtime: Pick<GoalApiRuntime, "sessions" | "goals">): void {
  const knownSession = async (id: string) => (await runtime.sessions.get(id)) !== undefined;

  app.openapi(getGoal, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await knownSession(id))) return fail(c, sessionNotFound(id));
    return c.json((await runtime.goals.get(id)) ?? null, 200);
  });

  app.openapi(createGoal, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    if (!(await knownSession(id))) return fail(c, sessionNotFound(id));
    const result = await runtime.goals.create(id, input);
    if (!result.ok) return fail(c, refusalError(result.error));
    return c.json(result.value, 201);
  });

  app.openapi(updateGoal, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    if (!(await knownSession(id))) return fail(c, sessionNotFound(id));
    const result = await runtime.goals.update(id, withoutUndefined(input) as GoalPatch);
    if (!result.ok) return fail(c, refusalError(result.error));
    return c.json(result.value, 200);
  });

  app.openapi(clearGoal, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await knownSession(id))) return fail(c, sessionNotFound(id));
    const result = await runtime.goals.clear(id);
    if (!result.ok) return fail(c, refusalError(result.error));
    return c.json({ cleared: true as const }, 200);
  });

  app.openapi(goalHistory, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await knownSession(id))) return fail(c, sessionNotFound(id));
    return c.json(await runtime.goals.history(id), 200);
  });

  app.openapi(goalContinuation, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await knownSession(id))) return fail(c, sessionNotFound(id));
    return c.json(await runtime.goals.continuation(id), 200);
  });

  app.openapi(listGoals, async (c) => {
    const { status } = c.req.valid("query");
    return c.json(await runtime.goals.list(status ? { status } : undefined), 200);
  });
}

/** Answers an error with its typed status, so each route's declared responses are checked. */
const fail = <S extends ErrorStatus>(c: Context, error: ApiError<S>) => c.json(error.body, error.status);

/** Optional fields left out by the client stay out of the patch. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
