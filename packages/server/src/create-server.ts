import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiRuntime, GoalApiRuntime } from "./api-runtime.js";
import { answerErrors, listen, type RunningServer, type ServeOptions } from "./app-shell.js";
import { passwordAuth } from "./auth.js";
import { requestOriginGuard } from "./request-origin-guard.js";
import { registerEventRoute } from "./routes/event-route.js";
import { registerGoalQueueRoutes } from "./routes/goal-queue-routes.js";
import { registerGoalRoutes } from "./routes/goal-routes.js";
import { registerSessionRoutes } from "./routes/session-routes.js";
import { registerSpendRoute } from "./routes/spend-route.js";
import { validationHook } from "./validation-hook.js";
import { registerWebApp } from "./web-app-routes.js";

export type ServerOptions = {
  runtime: ApiRuntime;
  /** Required on every request when set. Default: the PURSUIT_SERVER_PASSWORD environment variable. */
  password?: string;
  /** Milliseconds between SSE heartbeats (default 10 000). */
  heartbeatMs?: number;
  /** Where unexpected errors are reported (default console.error). */
  logError?: (error: unknown) => void;
  /** The built web app's directory (`@pursuit/web`), served at `/` when it holds an index.html. */
  webApp?: string;
};

export type PursuitServer = {
  app: OpenAPIHono;
  /** Listens on loopback by default; refuses any other address when no password is set. */
  serve(options?: ServeOptions): Promise<RunningServer>;
};

/**
 * The document's top-level description, shared by GET /doc and the SDK generator. Every route needs the
 * server's password when one is set (PURSUIT_SERVER_PASSWORD), as Basic auth with any user name or as a
 * Bearer token; without one, requests need no credentials (the empty requirement) and only loopback is served.
 */
export const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Pursuit",
    version: "0.1.0",
    description: "Sessions that pursue goals: set an objective with limits, and the runtime keeps working until done.",
    license: { name: "MIT", identifier: "MIT" },
  },
  servers: [
    { url: "http://127.0.0.1:4096", description: "`pursuit serve` (default address)" },
    { url: "http://127.0.0.1:4097", description: "the OpenCode plugin's goal API (default address)" },
  ],
  security: [{ basicAuth: [] }, { bearerAuth: [] }, {}] as Record<string, string[]>[],
};

/** The password's two forms, declared once for every route. */
function declareSecuritySchemes(app: OpenAPIHono): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "basicAuth", {
    type: "http",
    scheme: "basic",
    description: "The server's password (PURSUIT_SERVER_PASSWORD) with any user name",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "The server's password (PURSUIT_SERVER_PASSWORD) as the token",
  });
}

export function createServer(options: ServerOptions): PursuitServer {
  const password = options.password ?? process.env.PURSUIT_SERVER_PASSWORD ?? "";
  const logError = options.logError ?? ((error: unknown) => console.error("pursuit server: unexpected error", error));
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.use("*", requestOriginGuard(password));
  if (options.webApp) registerWebApp(app, options.webApp);
  app.use("*", passwordAuth(password));
  declareSecuritySchemes(app);
  registerSessionRoutes(app, options.runtime);
  registerGoalRoutes(app, options.runtime);
  registerGoalQueueRoutes(app, options.runtime);
  registerSpendRoute(app, options.runtime);
  registerEventRoute(app, options.runtime, { heartbeatMs: options.heartbeatMs ?? 10_000, maxQueuedEvents: 10_000 });
  app.doc31("/doc", OPENAPI_INFO);

  answerErrors(app, logError);

  return {
    app,
    serve: (serveOptions = {}) => listen(app, password, serveOptions),
  };
}

export type GoalApiOptions = Omit<ServerOptions, "runtime"> & { runtime: GoalApiRuntime };

/**
 * Only the goal routes (GET /doc, GET /event for goal events, the web app), for hosts that are not Pursuit's
 * own runtime: the OpenCode plugin serves this so the SDK, `pursuit goal --url` and the web app control OpenCode
 * sessions too.
 */
export function createGoalApi(options: GoalApiOptions): PursuitServer {
  const password = options.password ?? process.env.PURSUIT_SERVER_PASSWORD ?? "";
  const logError = options.logError ?? ((error: unknown) => console.error("pursuit goal api: unexpected error", error));
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use("*", requestOriginGuard(password));
  if (options.webApp) registerWebApp(app, options.webApp);
  app.use("*", passwordAuth(password));
  declareSecuritySchemes(app);
  registerGoalRoutes(app, options.runtime);
  registerGoalQueueRoutes(app, options.runtime);
  registerSpendRoute(app, options.runtime);
  const subscribe = options.runtime.subscribe;
  if (subscribe) {
    registerEventRoute(
      app,
      { subscribe: (listener) => subscribe(listener) },
      {
        heartbeatMs: options.heartbeatMs ?? 10_000,
        maxQueuedEvents: 10_000,
      },
    );
  }
  app.doc31("/doc", OPENAPI_INFO);
  answerErrors(app, logError);
  return { app, serve: (serveOptions = {}) => listen(app, password, serveOptions) };
}
