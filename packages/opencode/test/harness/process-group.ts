import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

export interface GroupProcess {
  child: ChildProcess;
  /** The process group id (the watchdog shell leading the group; the command itself is its child). */
  pid: number;
  /** Everything written to stdout and stderr so far, interleaved, in arrival order. */
  output(): string;
  /** Resolves with the first stdout/stderr line matching `pattern`, or rejects on timeout or exit. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** True once the process has exited. */
  exited(): boolean;
  /** Sends `signal` to the whole process group, waits up to `graceMs`, then SIGKILLs the group. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const MAX_LOG_CHARS = 2_000_000;

// Runs the command in the background of a small sh that leads the process group and gets a pipe from the test
// process as stdin. When the test process dies without cleaning up (a crashed or killed test runner), the pipe
// closes and the watcher takes the whole group down, so no server outlives its test run. The pipe is read
// through fd 3 because sh gives background jobs /dev/null as stdin.
const WATCHDOG = `exec 3<&0
"$@" </dev/null 3<&- &
child=$!
(while read -r _ <&3; do :; done; kill -TERM 0) &
watcher=$!
exec 3<&-
wait "$child"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"`;

/**
 * Spawns a command as the leader of its own process group (`detached`), the equivalent of bash's `set -m`:
 * signals reach every process it starts, and nothing of it survives `stop` or the death of the test process.
 */
export function spawnGroup(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): GroupProcess {
  const child = spawn("/bin/sh", ["-c", WATCHDOG, "group-watchdog", command, ...args], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
  const pid = child.pid;
  let log = "";
  let hasExited = false;
  const lineWaiters = new Set<(line: string) => void>();
  const exitWaiters = new Set<() => void>();
  const partial = { stdout: "", stderr: "" };

  const onData = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    if (log.length < MAX_LOG_CHARS) log += text;
    const lines = (partial[stream] + text).split("\n");
    partial[stream] = lines.pop() ?? "";
    for (const line of lines) for (const waiter of lineWaiters) waiter(line);
  };
  child.stdout?.on("data", onData("stdout"));
  child.stderr?.on("data", onData("stderr"));
  child.on("exit", () => {
    hasExited = true;
    for (const waiter of exitWaiters) waiter();
  });

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };

  const waitForExit = (timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      if (hasExited) return resolve(true);
      const timer = setTimeout(() => {
        exitWaiters.delete(done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      exitWaiters.add(done);
    });

  const groupAlive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  return {
    child,
    pid,
    output: () => log,
    exited: () => hasExited,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          lineWaiters.delete(onLine);
          exitWaiters.delete(onExit);
        };
        const onLine = (line: string) => {
          if (!pattern.test(line)) return;
          cleanup();
          resolve(line);
        };
        const onExit = () => {
          cleanup();
          reject(new Error(`process ${pid} exited (code ${child.exitCode}) before printing ${pattern}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        if (hasExited) return onExit();
        lineWaiters.add(onLine);
        exitWaiters.add(onExit);
      });
    },
    async stop(signal = "SIGTERM", graceMs = 5_000) {
      // The watchdog shell dies at once; the command gets `graceMs` to finish, then the group is SIGKILLed.
      killGroup(signal);
      for (let waited = 0; waited < graceMs && groupAlive(); waited += 50) await sleep(50);
      if (groupAlive()) killGroup("SIGKILL");
      await waitForExit(2_000);
      for (let waited = 0; waited < 2_000 && groupAlive(); waited += 50) await sleep(50);
    },
  };
}
