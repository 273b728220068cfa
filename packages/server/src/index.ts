export { type ApiError, apiError, refusalError } from "./api-error.js";
export type { ApiEvent, ApiRuntime, GoalApiRuntime } from "./api-runtime.js";
export { DEFAULT_HOSTNAME, DEFAULT_PORT, type RunningServer, type ServeOptions } from "./app-shell.js";
export { passwordAuth } from "./auth.js";
export { BindRefusedError, checkBind, isLoopbackHostname } from "./bind-policy.js";
export {
  createGoalApi,
  createServer,
  type GoalApiOptions,
  OPENAPI_INFO,
  type PursuitServer,
  type ServerOptions,
} from "./create-server.js";
export { openApiDocument } from "./openapi-document.js";
export * from "./schemas/error-schema.js";
export * from "./schemas/event-schemas.js";
export * from "./schemas/goal-history-schemas.js";
export * from "./schemas/goal-schemas.js";
export * from "./schemas/message-schemas.js";
export * from "./schemas/session-schemas.js";
export * from "./schemas/spend-schemas.js";
