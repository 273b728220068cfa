import { spawn } from "node:child_process";
import type { VerifyRunner } from "@pursuit/core";

const TAIL_BYTES = 2048;

/** Runs a goal's verify command with `sh -c` in the project directory; a timeout counts as failure. */
export function shellVerifier(directory: string, timeoutMs = 120_000): VerifyRunner {
  return {
    run: (_sessionID, command) =>
      new Promise((resolve) => {
        const child = spawn("sh", ["-c", command], {
          cwd: directory,
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        });
        let output = "";
        const collect = (chunk: Buffer) => {
          output = (output + chunk.toString("utf8")).slice(-TAIL_BYTES * 2);
        };
        child.stdout.on("data", collect);
        child.stderr.on("data", collect);
        const timer = setTimeout(() => {
          output += `\n(verify command timed out after ${Math.round(timeoutMs / 1000)} s)`;
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        }, timeoutMs);
        child.on("error", (error) => {
          clearTimeout(timer);
          resolve({ passed: false, exitCode: null, output: String(error) });
        });
        child.on("close", (code) => {
          clearTimeout(timer);
          resolve({ passed: code === 0, exitCode: code, output: output.slice(-TAIL_BYTES) });
        });
      }),
  };
}
