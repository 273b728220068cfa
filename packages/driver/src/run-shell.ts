import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { AbortSignalLike } from "@pursuit/core";

export type ProcessResult = {
  exitCode: number | null;
  /** stdout and stderr interleaved as they arrived, possibly truncated. */
  output: string;
  /** Bytes left out of `output` (0 when nothing was cut). */
  omittedBytes: number;
  timedOut: boolean;
  aborted: boolean;
};

export type RunShellOptions = {
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignalLike;
  /** Keep at most this many bytes: the head and the tail, with the middle cut. */
  maxOutputBytes: number;
  /** Keep only the tail (a verify command's last words matter most). */
  tailOnly?: boolean;
  /** Default: bash when installed, else sh. */
  shell?: string;
};

const DEFAULT_SHELL = existsSync("/bin/bash") ? "/bin/bash" : "/bin/sh";
/** After the kill, how long to wait for pipes held by stray grandchildren before giving up on them. */
const PIPE_GRACE_MS = 200;

/**
 * Runs a shell command in its own process group, so a timeout or an abort kills it and everything it
 * started at once (a `sleep 30` inside a script included).
 */
export function runShell(command: string, options: RunShellOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(options.shell ?? DEFAULT_SHELL, ["-c", command], {
      cwd: options.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TERM: "dumb" },
    });
    const collector = new OutputCollector(options.maxOutputBytes, options.tailOnly === true);
    let timedOut = false;
    let aborted = false;
    let exitCode: number | null = null;
    let settled = false;

    const kill = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve({ exitCode, ...collector.result(), timedOut, aborted });
    };
    const onAbort = () => {
      aborted = true;
      kill();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);

    child.stdout.on("data", (chunk: Buffer) => collector.add(chunk));
    child.stderr.on("data", (chunk: Buffer) => collector.add(chunk));
    child.on("error", (error) => {
      collector.add(Buffer.from(`${error.message}\n`));
      finish();
    });
    child.on("exit", (code) => {
      exitCode = code;
      // Kill leftovers of the group (background jobs) so they cannot hold the pipes open.
      kill();
      setTimeout(finish, PIPE_GRACE_MS).unref();
    });
    child.on("close", finish);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Keeps the head and the tail of a long output within a byte budget. */
class OutputCollector {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(
    private readonly max: number,
    private readonly tailOnly: boolean,
  ) {}

  add(chunk: Buffer): void {
    this.total += chunk.length;
    const headRoom = (this.tailOnly ? 0 : Math.floor(this.max / 2)) - this.headBytes;
    if (headRoom > 0) {
      const piece = chunk.subarray(0, headRoom);
      this.head.push(piece);
      this.headBytes += piece.length;
      chunk = chunk.subarray(piece.length);
      if (chunk.length === 0) return;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    const tailMax = this.max - (this.tailOnly ? 0 : Math.floor(this.max / 2));
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= tailMax && this.tail.length > 1) {
      this.tailBytes -= this.tail.shift()?.length ?? 0;
    }
  }

  result(): { output: string; omittedBytes: number } {
    const tailMax = this.max - (this.tailOnly ? 0 : Math.floor(this.max / 2));
    let tail = Buffer.concat(this.tail);
    if (tail.length > tailMax) tail = tail.subarray(tail.length - tailMax);
    const head = Buffer.concat(this.head);
    const omittedBytes = this.total - head.length - tail.length;
    if (omittedBytes <= 0) return { output: Buffer.concat([head, tail]).toString("utf8"), omittedBytes: 0 };
    const note = `\n[... ${omittedBytes} bytes of output omitted ...]\n`;
    return { output: head.toString("utf8") + note + tail.toString("utf8"), omittedBytes };
  }
}
