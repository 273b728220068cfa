import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseFlags } from "../flags.js";
import { OPENCODE_HELP } from "../help.js";
import type { Io } from "../io.js";
import { addPluginEntry } from "./opencode-config.js";

const OPENCODE_FLAGS = {
  dir: { type: "string" },
  global: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** `pursuit opencode install`: adds the opencode-pursuit plugin to opencode.json and tui.json. */
export async function opencodeCommand(args: string[], io: Io): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined || action === "--help" || action === "-h") return io.out(OPENCODE_HELP);
  if (action !== "install")
    return io.fail(`unknown action "${action}"; use: pursuit opencode install\n\n${OPENCODE_HELP}`);
  const parsed = parseFlags(rest, OPENCODE_FLAGS);
  if (!parsed.ok) return io.fail(`${parsed.error}\n\n${OPENCODE_HELP}`);
  const { values } = parsed.value;
  if (values.help) return io.out(OPENCODE_HELP);
  if (values.global && typeof values.dir === "string") return io.fail("--global and --dir exclude each other");

  const pluginDir = locatePlugin();
  if (!pluginDir)
    return io.fail("the opencode-pursuit package is not built: run `npm run build` in the Pursuit checkout first");
  const folder = values.global
    ? join(io.env.XDG_CONFIG_HOME || join(io.env.HOME ?? ".", ".config"), "opencode")
    : resolve(io.cwd, typeof values.dir === "string" ? values.dir : ".");
  if (!values.global && existsSync(join(folder, "opencode.jsonc"))) {
    return io.fail(
      `${join(folder, "opencode.jsonc")} exists; add this line to its "plugin" list by hand:\n  ${JSON.stringify(pluginDir)}`,
    );
  }
  const written: string[] = [];
  for (const file of ["opencode.json", "tui.json"]) {
    const path = join(folder, file);
    const result = updateFile(path, pluginDir);
    if (!result.ok) return io.fail(result.error);
    written.push(`${result.changed ? "updated" : "already set"}: ${path}`);
  }
  return io.out(
    [
      ...written,
      "",
      "OpenCode now loads opencode-pursuit: the goal tools, /goal in the TUI, and the goal API on 127.0.0.1:4097.",
      "Restart OpenCode to pick it up.",
    ].join("\n"),
  );
}

function updateFile(path: string, pluginDir: string): { ok: true; changed: boolean } | { ok: false; error: string } {
  let config: unknown = {};
  if (existsSync(path)) {
    try {
      config = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      return { ok: false, error: `${path} is not valid JSON (${(error as Error).message}); nothing was changed` };
    }
  }
  const updated = addPluginEntry(config, pluginDir);
  if (!updated.ok) return { ok: false, error: `${path}: ${updated.error}; nothing was changed` };
  if (!updated.changed) return { ok: true, changed: false };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(updated.config, null, 2)}\n`);
  return { ok: true, changed: true };
}

/** The plugin's package folder, found through the workspace link; undefined until it is built. */
function locatePlugin(): string | undefined {
  try {
    const entry = fileURLToPath(import.meta.resolve("opencode-pursuit"));
    const folder = resolve(dirname(entry), "..");
    return existsSync(join(folder, "dist", "index.js")) ? folder : undefined;
  } catch {
    return undefined;
  }
}
