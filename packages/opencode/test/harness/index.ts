export {
  type CreateOpencodeProjectOptions,
  createOpencodeProject,
  fakeProviderConfig,
  type OpencodeProject,
  type PluginSpec,
  writeTuiConfig,
} from "./create-opencode-project.js";
export { createSession } from "./create-session.js";
export { freePort } from "./free-port.js";
export { type IsolatedDirs, isolatedEnv, OFFLINE_SWITCHES, UNREACHABLE_REGISTRY } from "./isolated-env.js";
export { fixturesDir, opencodeBinary, opencodePackageDir, repoRoot } from "./opencode-paths.js";
export { OPENCODE_PLUGIN_VERSION, prepopulatePluginDeps } from "./prepopulate-plugin-deps.js";
export { type GroupProcess, spawnGroup } from "./process-group.js";
export { readJsonLines } from "./read-json-lines.js";
export { withStartLock } from "./start-lock.js";
export {
  type OpencodeServe,
  type StartOpencodeServeOptions,
  startOpencodeServe,
  tail,
} from "./start-opencode-serve.js";
export { type OpencodeTui, type StartOpencodeTuiOptions, startOpencodeTui } from "./start-opencode-tui.js";
export { type BusEvent, type EventSubscription, subscribeEvents } from "./subscribe-events.js";
export { shellQuote, tmux, tmuxAvailable } from "./tmux.js";
export { waitForGoal } from "./wait-for-goal.js";
export { waitForGoalSettled } from "./wait-for-goal-settled.js";
export { type WaitForIdleOptions, waitForIdle } from "./wait-for-idle.js";
