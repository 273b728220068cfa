import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createVerifyRunner, VERIFY_OUTPUT_BYTES } from "./verify-runner.js";

const directory = mkdtempSync(join(tmpdir(), "pursuit-verify-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("verify runner", () => {
  const runner = createVerifyRunner({
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

  it("fails for an unknown session", async () => {
    expect(await runner.run("ses_x", "true")).toMatchObject({ passed: false });
  });
});
