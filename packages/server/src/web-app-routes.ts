import { existsSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { OpenAPIHono } from "@hono/zod-openapi";

/**
 * The built web app (index.html and its hashed assets) at `/`, same origin as the API. Registered before the
 * password check: the page and its scripts hold no data, and the app asks for the password itself. Routes
 * inside the app are hash routes (`/#/session/…`), so no app path can shadow an API path.
 */
export function registerWebApp(app: OpenAPIHono, directory: string): boolean {
  if (!existsSync(join(directory, "index.html"))) return false;
  app.get("/", serveStatic({ root: directory, path: "index.html" }));
  app.get("/assets/*", serveStatic({ root: directory }));
  return true;
}
