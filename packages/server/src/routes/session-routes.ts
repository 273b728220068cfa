import { stat } from "node:fs/promises";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { apiError, sessionNotFound } from "../api-error.js";
import type { ApiRuntime } from "../api-runtime.js";
import { errorResponses } from "../schemas/error-schema.js";
import { MessageWithPartsSchema } from "../schemas/message-schemas.js";
import {
  PromptInputSchema,
  SessionCreateInputSchema,
  SessionIdParamSchema,
  SessionSchema,
  SessionStatusMapSchema,
} from "../schemas/session-schemas.js";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const params = { params: SessionIdParamSchema };

const sessionStatus = createRoute({
  method: "get",
  path: "/session/status",
  operationId: "session.status",
  tags: ["session"],
  summary: "Sessions that are busy or retrying (idle ones are left out)",
  responses: { 200: json(SessionStatusMapSchema, "Status by session id") },
});

const createSession = createRoute({
  method: "post",
  path: "/session",
  operationId: "session.create",
  tags: ["session"],
  summary: "Create a session",
  request: { body: { required: false, content: { "application/json": { schema: SessionCreateInputSchema } } } },
  responses: { 200: json(SessionSchema, "The new session"), ...errorResponses(400, 415) },
});

const listSessions = createRoute({
  method: "get",
  path: "/session",
  operationId: "session.list",
  tags: ["session"],
  summary: "Sessions, most recently updated first",
  responses: { 200: json(z.array(SessionSchema), "Sessions") },
});

const getSession = createRoute({
  method: "get",
  path: "/session/{id}",
  operationId: "session.get",
  tags: ["session"],
  summary: "One session",
  request: params,
  responses: { 200: json(SessionSchema, "The session"), ...errorResponses(404) },
});

const deleteSession = createRoute({
  method: "delete",
  path: "/session/{id}",
  operationId: "session.delete",
  tags: ["session"],
  summary: "Delete a session with its messages (a goal is cleared; its history remains)",
  request: params,
  responses: { 200: json(z.boolean(), "true once deleted"), ...errorResponses(404) },
});

const sendMessage = createRoute({
  method: "post",
  path: "/session/{id}/message",
  operationId: "session.prompt",
  tags: ["session"],
  summary: "Send a user message and wait for the turn that answers it",
  request: { ...params, body: { required: true, content: { "application/json": { schema: PromptInputSchema } } } },
  responses: {
    200: json(MessageWithPartsSchema, "The last assistant message"),
    ...errorResponses(400, 404, 415, 502),
  },
});

const promptAsync = createRoute({
  method: "post",
  path: "/session/{id}/prompt_async",
  operationId: "session.promptAsync",
  tags: ["session"],
  summary: "Send a user message and return at once; follow the turn on GET /event",
  request: { ...params, body: { required: true, content: { "application/json": { schema: PromptInputSchema } } } },
  responses: { 204: { description: "Accepted" }, ...errorResponses(400, 404, 415) },
});

const listMessages = createRoute({
  method: "get",
  path: "/session/{id}/message",
  operationId: "session.messages",
  tags: ["session"],
  summary: "The session's messages with their parts, oldest first",
  request: params,
  responses: { 200: json(z.array(MessageWithPartsSchema), "Messages"), ...errorResponses(404) },
});

const abortSession = createRoute({
  method: "post",
  path: "/session/{id}/abort",
  operationId: "session.abort",
  tags: ["session"],
  summary: "Stop the running turn at once; an active goal is paused",
  request: params,
  responses: { 200: json(z.boolean(), "Whether a turn was running"), ...errorResponses(404) },
});

/** Session and message routes. `/session/status` is registered before `/session/{id}` so it is not an id. */
export function registerSessionRoutes(app: OpenAPIHono, runtime: ApiRuntime): void {
  const known = async (id: string) => (await runtime.sessions.get(id)) !== undefined;
  const notFound = (id: string) => {
    const error = sessionNotFound(id);
    return [error.body, 404] as const;
  };

  app.openapi(sessionStatus, (c) => c.json(runtime.status() as z.infer<typeof SessionStatusMapSchema>, 200));

  app.openapi(createSession, async (c) => {
    const input = c.req.valid("json") ?? {};
    if (input.directory !== undefined && !(await isDirectory(input.directory))) {
      const error = apiError(
        400,
        "invalid_request",
        `directory: "${input.directory}" is not a directory on the server`,
        "directory",
      );
      return c.json(error.body, error.status);
    }
    return c.json(await runtime.sessions.create(input), 200);
  });

  app.openapi(listSessions, async (c) => c.json(await runtime.sessions.list(), 200));

  app.openapi(getSession, async (c) => {
    const { id } = c.req.valid("param");
    const session = await runtime.sessions.get(id);
    return session ? c.json(session, 200) : c.json(...notFound(id));
  });

  app.openapi(deleteSession, async (c) => {
    const { id } = c.req.valid("param");
    return (await runtime.sessions.delete(id)) ? c.json(true, 200) : c.json(...notFound(id));
  });

  app.openapi(sendMessage, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await known(id))) return c.json(...notFound(id));
    // The turn's own error (no model, provider down...) explains a failed prompt better than the rejection.
    let turnError: string | undefined;
    const unsubscribe = runtime.subscribe((event) => {
      if (event.type === "session.error" && event.properties.sessionID === id)
        turnError = event.properties.error.message;
    });
    try {
      const message = await runtime.prompt(id, c.req.valid("json"));
      return c.json(message as z.infer<typeof MessageWithPartsSchema>, 200);
    } catch (cause) {
      if (cause instanceof Error && cause.name === "SessionNotFoundError") return c.json(...notFound(id));
      const error = apiError(502, "turn_failed", turnError ?? (cause as Error).message);
      return c.json(error.body, error.status);
    } finally {
      unsubscribe();
    }
  });

  app.openapi(promptAsync, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await known(id))) return c.json(...notFound(id));
    await runtime.promptAsync(id, c.req.valid("json"));
    return c.body(null, 204);
  });

  app.openapi(listMessages, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await known(id))) return c.json(...notFound(id));
    return c.json((await runtime.sessions.messages(id)) as z.infer<typeof MessageWithPartsSchema>[], 200);
  });

  app.openapi(abortSession, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await known(id))) return c.json(...notFound(id));
    return c.json(await runtime.abort(id), 200);
  });
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
