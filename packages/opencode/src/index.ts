import type { PluginModule } from "@opencode-ai/plugin";
import { pursuitServerPlugin } from "./server-plugin.js";

export { discoverGoalApi, goalApiClient } from "./goal-api-client.js";
export { type OpencodeControl, OpencodeGoalHost } from "./goal-host.js";
export { type PursuitPluginOptions, parsePluginOptions } from "./plugin-options.js";
export { pursuitServerPlugin };

/** OpenCode loads `{ id, server }` from a plugin package's "./server" entry. */
const plugin: PluginModule = { id: "opencode-pursuit", server: pursuitServerPlugin };
export default plugin;
