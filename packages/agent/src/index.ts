export {
  type AgentConfig,
  type GoalConfig,
  type ModelConfig,
  PROVIDER_TYPES,
  type ProviderConfig,
  type PursuitConfig,
  PursuitConfigSchema,
} from "./config/config-schema.js";
export {
  CONFIG_FILE_NAME,
  ConfigError,
  configPaths,
  globalConfigPath,
  loadConfig,
  mergeConfig,
  parseConfig,
  readConfigFile,
} from "./config/load-config.js";
export {
  EventBus,
  type Message,
  type MessageWithParts,
  type Part,
  type RuntimeEvent,
  type RuntimeEventListener,
  type Session,
  type SessionStatus,
} from "./events.js";
export { INTERRUPTED_TOOL_OUTPUT, toModelMessages } from "./message-conversion.js";
export { toStepUsage } from "./model-loop/usage.js";
export { DEFAULT_BASH_DENY, PermissionPolicy } from "./permissions.js";
export { INJECTED_MODEL_REF, type ModelError, ModelResolver, parseModelRef, type ResolvedModel } from "./providers.js";
export { DEFAULT_LEASE_TTL_MS, type ReplicaOptions } from "./replicas/session-leases.js";
export {
  createRuntime,
  DEFAULT_MAX_STEPS_PER_TURN,
  type GoalInput,
  type Runtime,
  type RuntimeOptions,
  SessionNotFoundError,
} from "./runtime.js";
export { RuntimeClosedError } from "./session-manager.js";
export { systemPrompt } from "./system-prompt.js";
export { CODING_TOOLS, ToolRegistry } from "./tools/tool-registry.js";
