import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createShellVerifier, VERIFY_OUTPUT_BYTES } from "./shell-verifier.js";
import { goneWithin, waitForPid } from "./testing/processes.js";

const directory = mkdtempSync(join(tmpdir(), "pursuit-verify-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("shell verifier", () => {
  const runner = createShellVerifier({
    directoryOf: async (id) => (id === "ses_1" ? directory : undefined),
    timeoutMs: 300,
  });

  it("runs in the session directory and passes only on exit code 0", async () => {
    expect(await runner.run("ses_1", "test -f here.txt")).toMatchObject({ passed: false, exitCode: 1 });
    writeFileSync(join(directory, "here.txt"), "");
    expect(await runner.run("ses_1", "test -f here.txt")).toMatchObject({ passed: true, exitCode: 0 });
  });

  it("returns the tail of long output", async () => {
    const result = await runner.run("ses_1", "seq 1 5000; echo FAILED; exit 2");
    expect(result.passed).toBe(false);
    expect(result.output).toMatch(/FAILED$/);
    expect(Buffer.byteLength(result.output)).toBeLessThanOrEqual(VERIFY_OUTPUT_BYTES + 100);
  });

  it("fails a command that outlives its timeout", async () => {
    const started = Date.now();
    const result = await runner.run("ses_1", "sleep 10");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result).toMatchObject({ passed: false, output: expect.stringContaining("timed out after 300 ms") });
  });

  it("stops at once on abort, killing the command and what it started, and does not pass", async () => {
    const controller = new AbortController();
    const running = runner.run("ses_1", "sleep 30 & echo $! > sleeper.pid; wait", controller.signal);
    const pid = await waitForPid(join(directory, "sleeper.pid"));
    const started = Date.now();
    controller.abort();
    const result = await running;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ passed: false, aborted: true, output: expect.stringContaining("aborted") });
    expect(await goneWithin(pid)).toBe(true);
  });

  it("survives a command whose process group is gone while a daemonised grandchild holds its output open", async () => {
    // The shell exits at once; `setsid` moves the sleeper out of the group, still holding stdout. A kill of the
    // group at the timeout then finds no such group (ESRCH), which must not escape as an uncaught exception.
    const started = Date.now();
    const result = await runner.run("ses_1", "setsid sleep 3 & exit 0");
    expect(result).toMatchObject({ passed: true, exitCode: 0 });
    // The answer does not wait for the grandchild to let go of the pipe.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("fails for an unknown session", async () => {
    expect(await runner.run("ses_x", "true")).toMatchObject({ passed: false });
  });
});
