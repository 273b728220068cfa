import { homedir } from "node:os";
import { join } from "node:path";

/** `$XDG_DATA_HOME/pursuit/pursuit.db`, falling back to `~/.local/share/pursuit/pursuit.db`. */
export function defaultDatabasePath(env: Record<string, string | undefined> = process.env): string {
  const dataHome = env.XDG_DATA_HOME?.trim() ? env.XDG_DATA_HOME : join(homedir(), ".local", "share");
  return join(dataHome, "pursuit", "pursuit.db");
}

export const MEMORY_DATABASE = ":memory:";
