/** The scratch folders an isolated OpenCode run reads and writes instead of the real user's. */
export interface IsolatedDirs {
  home: string;
  configHome: string;
  dataHome: string;
  cacheHome: string;
  stateHome: string;
}

/**
 * Switches that keep OpenCode offline and deterministic: no self-update, no models.dev fetch, no sharing,
 * no LSP downloads, no reading of ~/.claude, no built-in plugins (those would be npm-installed).
 */
export const OFFLINE_SWITCHES: Readonly<Record<string, string>> = {
  OPENCODE_DISABLE_AUTOUPDATE: "1",
  OPENCODE_DISABLE_MODELS_FETCH: "1",
  OPENCODE_DISABLE_SHARE: "1",
  OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
  OPENCODE_DISABLE_CLAUDE_CODE: "1",
  OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
};

/** A registry address nothing listens on: any npm install OpenCode still attempts fails instead of going online. */
export const UNREACHABLE_REGISTRY = "http://127.0.0.1:9/";

// Variables passed through from the test process; everything else (npm_config_* set by npx, OPENCODE_* of the
// developer's shell, API keys) is dropped so a run depends only on what the project folder declares.
const PASSED_THROUGH = ["PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER", "LOGNAME", "SHELL"];

export interface IsolatedEnvOptions {
  /** When true, npm runs with `offline=true`, so a missing dependency fails at once instead of retrying. */
  npmOffline?: boolean;
  /** Extra variables, applied last. */
  extra?: Record<string, string>;
}

/** The environment for an `opencode` child process confined to `dirs`. */
export function isolatedEnv(dirs: IsolatedDirs, options: IsolatedEnvOptions = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.configHome,
    XDG_DATA_HOME: dirs.dataHome,
    XDG_CACHE_HOME: dirs.cacheHome,
    XDG_STATE_HOME: dirs.stateHome,
    ...OFFLINE_SWITCHES,
    npm_config_registry: UNREACHABLE_REGISTRY,
  });
  if (options.npmOffline ?? true) env.npm_config_offline = "true";
  Object.assign(env, options.extra ?? {});
  return env;
}
