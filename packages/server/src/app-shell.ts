import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { apiError } from "./api-error.js";
import { checkBind } from "./bind-policy.js";

export const DEFAULT_PORT = 4096;
export const DEFAULT_HOSTNAME = "127.0.0.1";

export type ServeOptions = { port?: number; hostname?: string };

export type RunningServer = {
  /** e.g. http://127.0.0.1:4096 */
  url: string;
  port: number;
  hostname: string;
  /** Stops listening and drops open connections (event streams included). */
  close(): Promise<void>;
};

/** Unknown routes and thrown errors become `{"error":{code,message}}` answers; only the unexpected is logged. */
export function answerErrors(app: OpenAPIHono, logError: (error: unknown) => void): void {
  app.notFound((c) => {
    const error = apiError(404, "route_not_found", `no route for ${c.req.method} ${c.req.path}; see GET /doc`);
    return c.json(error.body, error.status);
  });
  app.onError((cause, c) => {
    const error = describeError(cause);
    if (error.status >= 500) logError(cause);
    return c.json(error.body, error.status);
  });
}

/** Errors thrown below the routes: Hono's own (bad JSON, bad media type) keep their 4xx; anything else is a 500. */
function describeError(cause: unknown) {
  if (cause instanceof HTTPException) {
    if (cause.status === 400 && /json/i.test(cause.message)) {
      return apiError(400, "invalid_json", "the request body is not valid JSON", "body");
    }
    if (cause.status === 415) {
      return apiError(415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json");
    }
    if (cause.status < 500) return apiError(cause.status, "bad_request", cause.message || "bad request");
  }
  // The runtime's own errors, matched by name so building the document never loads the agent.
  if (cause instanceof Error && cause.name === "SessionNotFoundError") {
    return apiError(404, "session_not_found", cause.message, "id");
  }
  if (cause instanceof Error && cause.name === "RuntimeClosedError") {
    return apiError(503, "shutting_down", "the server is shutting down; try again once it is back");
  }
  return apiError(500, "internal", "the server failed to handle this request; details are in its log");
}

/** Listens on loopback by default; refuses any other address when no password is set. */
export async function listen(app: OpenAPIHono, password: string, options: ServeOptions): Promise<RunningServer> {
  const hostname = options.hostname ?? DEFAULT_HOSTNAME;
  checkBind(hostname, password);
  const server = createAdaptorServer({ fetch: app.fetch, hostname });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_PORT, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${port}`,
    port,
    hostname,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
