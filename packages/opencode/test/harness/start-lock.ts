import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const LOCK_DIR = join(tmpdir(), "opencode-e2e-start.lock");
const STALE_AFTER_MS = 120_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function removeIfStale(): Promise<void> {
  const owner = await readFile(join(LOCK_DIR, "owner"), "utf8").catch(() => "");
  const [pid, since] = owner.split(" ").map(Number);
  const stale = !pid || !alive(pid) || Date.now() - (since ?? 0) > STALE_AFTER_MS;
  // An owner file not written yet (pid missing) is only stale once the folder has been around a while.
  if (stale && (pid || (await lockAgeMs()) > 5_000)) await rm(LOCK_DIR, { recursive: true, force: true });
}

async function lockAgeMs(): Promise<number> {
  const info = await stat(LOCK_DIR).catch(() => undefined);
  return info ? Date.now() - info.mtimeMs : 0;
}

/**
 * Runs `task` while holding a machine-wide lock (an atomic mkdir in the temp folder), so OpenCode instances start
 * one at a time across test workers: simultaneous starts were seen to hang. A lock whose owner died or held it
 * longer than two minutes is taken over.
 */
export async function withStartLock<T>(task: () => Promise<T>, waitMs = 300_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`could not take ${LOCK_DIR} within ${waitMs} ms`);
      await removeIfStale();
      await sleep(100);
    }
  }
  try {
    await writeFile(join(LOCK_DIR, "owner"), `${process.pid} ${Date.now()}`);
    return await task();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}
