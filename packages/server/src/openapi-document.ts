import type { ApiRuntime } from "./api-runtime.js";
import { createServer, OPENAPI_INFO } from "./create-server.js";

/** A runtime that is never called: building the document only registers routes. */
const noRuntime = new Proxy({} as ApiRuntime, {
  get(_target, property) {
    throw new Error(`openApiDocument() has no runtime (asked for ${String(property)})`);
  },
});

/** The OpenAPI 3.1 document of the API, built in-process (what GET /doc serves), e.g. for the SDK generator. */
export function openApiDocument(): ReturnType<ReturnType<typeof createServer>["app"]["getOpenAPI31Document"]> {
  return createServer({ runtime: noRuntime, password: "" }).app.getOpenAPI31Document(OPENAPI_INFO);
}
