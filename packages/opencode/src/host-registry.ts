import type { OpencodeGoalHost } from "./goal-host.js";

/**
 * The TUI plugin runs in the same process as the server plugin; it finds the goal host of its project here.
 * A global symbol, because OpenCode may load the two entry points as separate module instances.
 */
const KEY = Symbol.for("opencode-pursuit.hosts");

type Registry = Map<string, { host: OpencodeGoalHost; apiUrl?: string }>;

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  holder[KEY] ??= new Map();
  return holder[KEY];
}

export function publishHost(directory: string, entry: { host: OpencodeGoalHost; apiUrl?: string }): void {
  registry().set(directory, entry);
}

export function unpublishHost(directory: string, host: OpencodeGoalHost): void {
  if (registry().get(directory)?.host === host) registry().delete(directory);
}

/** The host for a directory, or the only one when there is exactly one. */
export function findHost(directory?: string): { host: OpencodeGoalHost; apiUrl?: string } | undefined {
  const hosts = registry();
  if (directory && hosts.has(directory)) return hosts.get(directory);
  return hosts.size === 1 ? [...hosts.values()][0] : undefined;
}
