import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { type IsolatedDirs, isolatedEnv } from "./isolated-env.js";
import { prepopulatePluginDeps } from "./prepopulate-plugin-deps.js";

const run = promisify(execFile);

/** A plugin to load: an absolute path (folder with package.json, or a file), optionally with options. */
export type PluginSpec = string | { path: string; options?: Record<string, unknown> };

export interface CreateOpencodeProjectOptions {
  /** The fake provider's base URL, e.g. `http://127.0.0.1:41234/v1` (a scripted model server). */
  modelBaseURL: string;
  /** Server plugins for opencode.json's `plugin` list. */
  plugins?: PluginSpec[];
  /** TUI plugins for the project's tui.json `plugin` list. */
  tuiPlugins?: PluginSpec[];
  /** Default true: `"permission": "allow"`, so no tool waits for a person in a headless run. */
  allowAllPermissions?: boolean;
  /** Default true: fill `.opencode/` and `$XDG_CONFIG_HOME/opencode/` so OpenCode installs nothing. */
  prepopulateDependencies?: boolean;
  /** Default true: npm runs with offline=true (fails at once); false lets it retry the unreachable registry. */
  npmOffline?: boolean;
  /** Extra top-level opencode.json keys, applied over the defaults. */
  config?: Record<string, unknown>;
  /** Files to create in the project folder, by relative path. */
  files?: Record<string, string>;
  /** Default true: `git init` the project, as a real project would be (OpenCode keys projects by git root). */
  git?: boolean;
  /** Extra environment variables for every process started on this project. */
  env?: Record<string, string>;
}

export interface OpencodeProject {
  /** The temp folder holding everything below. */
  root: string;
  /** The project folder (cwd of `opencode`). */
  dir: string;
  dirs: IsolatedDirs;
  /** The environment for `opencode` processes on this project (isolation + offline switches). */
  env: Record<string, string>;
  /** The written opencode.json, parsed. */
  config: Record<string, unknown>;
  /** Deletes the temp folder. Stop processes first. */
  remove(): Promise<void>;
}

function pluginEntry(spec: PluginSpec): string | [string, Record<string, unknown>] {
  if (typeof spec === "string") return spec;
  return spec.options ? [spec.path, spec.options] : spec.path;
}

/** The opencode.json for a project talking to a fake OpenAI-compatible provider named `fake`, model `m`. */
export function fakeProviderConfig(options: CreateOpencodeProjectOptions): Record<string, unknown> {
  const config: Record<string, unknown> = {
    $schema: "https://opencode.ai/config.json",
    model: "fake/m",
    small_model: "fake/m",
    enabled_providers: ["fake"],
    share: "disabled",
    autoupdate: false,
    provider: {
      fake: {
        npm: "@ai-sdk/openai-compatible",
        name: "Fake",
        options: { baseURL: options.modelBaseURL, apiKey: "x", includeUsage: true },
        models: { m: { name: "m", tool_call: true, limit: { context: 128000, output: 4096 } } },
      },
    },
  };
  if (options.allowAllPermissions ?? true) config.permission = "allow";
  if (options.plugins?.length) config.plugin = options.plugins.map(pluginEntry);
  return { ...config, ...options.config };
}

/** Writes `<projectDir>/tui.json` listing `plugins` (TUI plugins load only from a tui.json `plugin` list). */
export async function writeTuiConfig(projectDir: string, plugins: PluginSpec[]): Promise<void> {
  const tui = { $schema: "https://opencode.ai/tui.json", plugin: plugins.map(pluginEntry) };
  await writeFile(join(projectDir, "tui.json"), `${JSON.stringify(tui, null, 2)}\n`);
}

/** Creates an isolated OpenCode project in a new temp folder (see CreateOpencodeProjectOptions). */
export async function createOpencodeProject(options: CreateOpencodeProjectOptions): Promise<OpencodeProject> {
  const root = await mkdtemp(join(tmpdir(), "opencode-e2e-"));
  const dirs: IsolatedDirs = {
    home: join(root, "home"),
    configHome: join(root, "xdg/config"),
    dataHome: join(root, "xdg/data"),
    cacheHome: join(root, "xdg/cache"),
    stateHome: join(root, "xdg/state"),
  };
  const dir = join(root, "project");
  for (const folder of [...Object.values(dirs), dir]) await mkdir(folder, { recursive: true });

  const config = fakeProviderConfig(options);
  await writeFile(join(dir, "opencode.json"), `${JSON.stringify(config, null, 2)}\n`);
  if (options.tuiPlugins?.length) await writeTuiConfig(dir, options.tuiPlugins);
  for (const [path, content] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  if (options.prepopulateDependencies ?? true) {
    await prepopulatePluginDeps(join(dir, ".opencode"));
    await prepopulatePluginDeps(join(dirs.configHome, "opencode"));
  }
  if (options.git ?? true) {
    // .opencode is listed so the prepopulated node_modules never shows up as a workspace change.
    await writeFile(join(dir, ".gitignore"), ".opencode/\n");
    await run("git", ["init", "-q"], { cwd: dir });
  }

  const npmOffline = options.npmOffline ?? true;
  const env = isolatedEnv(dirs, { npmOffline, ...(options.env ? { extra: options.env } : {}) });
  return { root, dir, dirs, env, config, remove: () => rm(root, { recursive: true, force: true }) };
}
