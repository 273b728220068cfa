import type { VerifyRunner } from "@pursuit/core";
import { runShell } from "./run-shell.js";

export const DEFAULT_VERIFY_TIMEOUT_MS = 120_000;
/** The tail of the output the model sees when verification fails: the last words matter most. */
export const VERIFY_OUTPUT_BYTES = 2_048;

/**
 * Runs a goal's verify command with `sh -c` in the session's directory, in its own process group: the
 * timeout and the turn's abort signal kill the command and everything it started. It passes only with exit
 * code 0.
 */
export function createShellVerifier(options: {
  directoryOf: (sessionID: string) => string | undefined | Promise<string | undefined>;
  timeoutMs?: number;
}): VerifyRunner {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
  return {
    async run(sessionID, command, signal) {
      const directory = await options.directoryOf(sessionID);
      if (!directory) return { passed: false, exitCode: null, output: `session ${sessionID} does not exist` };
      const result = await runShell(command, {
        cwd: directory,
        timeoutMs,
        maxOutputBytes: VERIFY_OUTPUT_BYTES,
        tailOnly: true,
        shell: "/bin/sh",
        ...(signal ? { signal } : {}),
      });
      const note = result.aborted
        ? "\n[stopped: the turn was aborted]"
        : result.timedOut
          ? `\n[timed out after ${timeoutMs} ms]`
          : "";
      return {
        passed: !result.timedOut && !result.aborted && result.exitCode === 0,
        exitCode: result.exitCode,
        output: (result.output.trimEnd() || "(no output)") + note,
        ...(result.aborted ? { aborted: true } : {}),
      };
    },
  };
}
