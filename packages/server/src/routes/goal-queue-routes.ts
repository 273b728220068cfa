import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type ApiError, refusalError, sessionNotFound } from "../api-error.js";
import type { GoalApiRuntime } from "../api-runtime.js";
import { type ErrorStatus, errorResponses } from "../schemas/error-schema.js";
import { GoalCreateInputSchema, GoalQueueOrderSchema, QueuedGoalSchema } from "../schemas/goal-schemas.js";
import { SessionIdParamSchema } from "../schemas/session-schemas.js";

const queueAnswer = (description: string) => ({
  description,
  content: { "application/json": { schema: z.array(QueuedGoalSchema) } },
});
const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

const listQueue = createRoute({
  method: "get",
  path: "/session/{id}/goal/queue",
  operationId: "goal.queue.list",
  tags: ["goal"],
  summary: "The session's queue of next goals, next first",
  request: { params: SessionIdParamSchema },
  responses: { 200: queueAnswer("The queue"), ...errorResponses(404) },
});

const addToQueue = createRoute({
  method: "post",
  path: "/session/{id}/goal/queue",
  operationId: "goal.queue.add",
  tags: ["goal"],
  summary: "Queue a goal: it starts when the session's goal completes (at once when the session has none)",
  request: { params: SessionIdParamSchema, body: jsonBody(GoalCreateInputSchema) },
  responses: { 201: queueAnswer("The queue afterwards"), ...errorResponses(400, 403, 404, 409, 415, 422) },
});

const orderQueue = createRoute({
  method: "put",
  path: "/session/{id}/goal/queue",
  operationId: "goal.queue.order",
  tags: ["goal"],
  summary: "Reorder the queue: give every queued goal's id, in the new order",
  request: { params: SessionIdParamSchema, body: jsonBody(GoalQueueOrderSchema) },
  responses: { 200: queueAnswer("The queue afterwards"), ...errorResponses(400, 403, 404, 409, 415, 422) },
});

const dropFromQueue = createRoute({
  method: "delete",
  path: "/session/{id}/goal/queue/{queuedID}",
  operationId: "goal.queue.drop",
  tags: ["goal"],
  summary: "Drop a queued goal",
  request: {
    params: SessionIdParamSchema.extend({
      queuedID: z.string().openapi({ param: { name: "queuedID", in: "path" } }),
    }),
  },
  responses: { 200: queueAnswer("The queue afterwards"), ...errorResponses(400, 403, 404, 409, 422) },
});

/** The queue routes: a person's changes to a session's next goals, through the runtime. */
export function registerGoalQueueRoutes(app: OpenAPIHono, runtime: Pick<GoalApiRuntime, "sessions" | "goals">): void {
  const knownSession = async (id: string) => (await runtime.sessions.get(id)) !== undefined;

  app.openapi(listQueue, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await knownSession(id))) return fail(c, sessionNotFound(id));
    return c.json(await runtime.goals.queue.list(id), 200);
  });

  app.openapi(addToQueue, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    if (!(await knownSession(id))) return fail(c, sessionNotFound(id));
    const result = await runtime.goals.queue.add(id, input);
    if (!result.ok) return fail(c, refusalError(result.error));
    return c.json(result.value, 201);
  });

  app.openapi(orderQueue, async (c) => {
    const { id } = c.req.valid("param");
    const { ids } = c.req.valid("json");
    if (!(await knownSession(id))) return fail(c, sessionNotFound(id));
    const result = await runtime.goals.queue.order(id, ids);
    if (!result.ok) return fail(c, refusalError(result.error));
    return c.json(result.value, 200);
  });

  app.openapi(dropFromQueue, async (c) => {
    const { id, queuedID } = c.req.valid("param");
    if (!(await knownSession(id))) return fail(c, sessionNotFound(id));
    const result = await runtime.goals.queue.drop(id, queuedID);
    if (!result.ok) return fail(c, refusalError(result.error));
    return c.json(result.value, 200);
  });
}

const fail = <S extends ErrorStatus>(c: Context, error: ApiError<S>) => c.json(error.body, error.status);
