import type { TextSink } from "./run/progress-reporter.js";

/** What commands touch of the process, so they stay testable and never call process.exit mid-work. */
export type Io = {
  stdout: TextSink;
  stderr: TextSink;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Writes text to stdout (adding a newline) and returns exit code 0. */
  out(text: string): number;
  /** Writes text to stderr as is. */
  err(text: string): void;
  /** Writes `error: message` to stderr and returns exit code 1. */
  fail(message: string): number;
  /** Calls `handler` on SIGINT/SIGTERM until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Leaves at once (second Ctrl-C). */
  exit(code: number): never;
};

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    out(text) {
      process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      return 0;
    },
    err(text) {
      process.stderr.write(text);
    },
    fail(message) {
      process.stderr.write(`error: ${message}\n`);
      return 1;
    },
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      process.on("SIGTERM", handler);
      return () => {
        process.off("SIGINT", handler);
        process.off("SIGTERM", handler);
      };
    },
    exit(code) {
      process.exit(code);
    },
  };
}
