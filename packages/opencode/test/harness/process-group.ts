import { type ChildProcess, spawn } from "node:child_process";

export interface GroupProcess {
  child: ChildProcess;
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

/**
 * Spawns a command as the leader of its own process group (`detached`), the equivalent of bash's `set -m`:
 * signals reach every process it starts, and nothing of it survives `stop`.
 */
export function spawnGroup(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): GroupProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
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
      killGroup(signal);
      const exitedInTime = await waitForExit(graceMs);
      // The leader may exit before its children: SIGKILL whatever is left of the group either way.
      if (!exitedInTime || groupAlive()) killGroup("SIGKILL");
      await waitForExit(2_000);
    },
  };
}
