import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs `tmux` against a private server socket, so tests never touch (or get touched by) a user's tmux. */
export async function tmux(socket: string, args: string[]): Promise<string> {
  const { stdout } = await run("tmux", ["-S", socket, ...args], { encoding: "utf8" });
  return stdout;
}

/** Quotes a string for a POSIX shell (single quotes, embedded quotes escaped). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** True when `tmux` can be run. */
export async function tmuxAvailable(): Promise<boolean> {
  try {
    await run("tmux", ["-V"]);
    return true;
  } catch {
    return false;
  }
}
