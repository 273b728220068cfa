import { readFileSync } from "node:fs";

/** Running, not dead and not a zombie waiting to be reaped by whichever process adopted it. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Waits for a command to write its process id to `file`. */
export async function waitForPid(file: string, timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const pid = Number(readFileSync(file, "utf8"));
      if (pid > 0) return pid;
    } catch {
      // Not written yet.
    }
    if (Date.now() > deadline) throw new Error(`no process id in ${file} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Whether `pid` is gone within `withinMs`: a SIGKILL sent to a process group is delivered to each member as it
 * is scheduled, so on a loaded machine a member can still show as running just after its shell exited.
 */
export async function goneWithin(pid: number, withinMs = 500): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
