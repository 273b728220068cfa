import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryGoalStore, FakeClock, GoalEngine, sequentialIds } from "@pursuit/core";
import { afterAll, describe, expect, it } from "vitest";
import { PermissionPolicy } from "../permissions.js";
import type { ToolContext } from "./tool.js";
import { ToolRegistry } from "./tool-registry.js";

const root = mkdtempSync(join(tmpdir(), "pursuit-tools-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

function setup(bash: Partial<ToolContext["bash"]> = {}) {
  const directory = join(root, `case-${++counter}`);
  mkdirSync(directory);
  const context: ToolContext = {
    sessionID: "ses_1",
    directory,
    signal: new AbortController().signal,
    permissions: new PermissionPolicy(["git push*"]),
    bash: { timeoutMs: 5_000, maxOutputBytes: 1_000, ...bash },
  };
  const engine = new GoalEngine({ store: createMemoryGoalStore(), clock: new FakeClock(), ids: sequentialIds() });
  const registry = new ToolRegistry();
  const goalTurn = engine.beginTurn("ses_1", { turnID: "t", continuation: false });
  const run = async (name: string, input: unknown, overrides: Partial<ToolContext> = {}) =>
    registry.execute(name, input, { ...context, ...overrides }, await goalTurn);
  return { directory, run, registry, engine };
}

describe("tool list", () => {
  it("holds the coding tools and the goal tools, sorted by name", () => {
    expect(new ToolRegistry().names()).toEqual([
      "bash",
      "create_goal",
      "edit",
      "get_goal",
      "glob",
      "grep",
      "read",
      "update_goal",
      "write",
    ]);
  });

  it("turns bad arguments and unknown tools into tool errors naming the field", async () => {
    const { run } = setup();
    expect(await run("write", { path: "a.txt" })).toMatchObject({
      isError: true,
      output: expect.stringMatching(/^Invalid arguments for write: content: /),
    });
    expect(await run("write", { path: "a", content: "x", mode: 7 })).toMatchObject({
      isError: true,
      output: expect.stringContaining("mode"),
    });
    expect(await run("teleport", {})).toMatchObject({ isError: true, output: expect.stringContaining("Unknown tool") });
  });

  it("runs goal tools through the engine", async () => {
    const { run } = setup();
    expect(await run("get_goal", {})).toMatchObject({ isError: false, output: "This session has no goal." });
  });
});

describe("write, read, edit", () => {
  it("writes (creating directories), reads numbered lines, and refuses paths outside", async () => {
    const { run, directory } = setup();
    expect(await run("write", { path: "deep/dir/a.txt", content: "one\ntwo\nthree\n" })).toMatchObject({
      isError: false,
      changedWorkspace: true,
    });
    expect(readFileSync(join(directory, "deep/dir/a.txt"), "utf8")).toBe("one\ntwo\nthree\n");
    expect((await run("read", { path: "deep/dir/a.txt" })).output).toBe("1\tone\n2\ttwo\n3\tthree");
    expect((await run("read", { path: "deep/dir/a.txt", offset: 2, limit: 1 })).output).toBe(
      "2\ttwo\n(lines 2-2 of 3; use offset to read more)",
    );
    expect((await run("read", { path: "deep" })).output).toBe("dir/");
    expect(await run("write", { path: "../x.txt", content: "" })).toMatchObject({
      isError: true,
      output: expect.stringMatching(/^Refused: /),
    });
    expect(await run("read", { path: "missing.txt" })).toMatchObject({ isError: true });
  });

  it("edits an exact unique match and refuses ambiguous or missing ones", async () => {
    const { run, directory } = setup();
    writeFileSync(join(directory, "f.ts"), "let a = 1;\nlet b = 1;\n");
    expect(await run("edit", { path: "f.ts", oldString: "= 1", newString: "= 2" })).toMatchObject({
      isError: true,
      output: expect.stringContaining("occurs 2 times"),
    });
    expect(await run("edit", { path: "f.ts", oldString: "let c", newString: "x" })).toMatchObject({
      isError: true,
      output: expect.stringContaining("not found"),
    });
    expect(await run("edit", { path: "f.ts", oldString: "let b = 1", newString: "let b = $&2" })).toMatchObject({
      isError: false,
      changedWorkspace: true,
    });
    expect(readFileSync(join(directory, "f.ts"), "utf8")).toBe("let a = 1;\nlet b = $&2;\n");
    await run("edit", { path: "f.ts", oldString: "let", newString: "const", replaceAll: true });
    expect(readFileSync(join(directory, "f.ts"), "utf8")).toBe("const a = 1;\nconst b = $&2;\n");
  });
});

describe("bash", () => {
  it("runs in the session directory and reports the exit code", async () => {
    const { run, directory } = setup();
    const result = await run("bash", { command: "pwd; exit 3" });
    expect(result).toMatchObject({ isError: false, output: `${directory}\n[exit code 3]` });
  });

  it("truncates long output with a note, keeping head and tail", async () => {
    const { run } = setup({ maxOutputBytes: 200 });
    const result = await run("bash", { command: "echo START; seq 1 2000; echo END" });
    expect(result.output).toMatch(/^START\n/);
    expect(result.output).toMatch(/\[\.\.\. \d+ bytes of output omitted \.\.\.\]/);
    expect(result.output).toMatch(/END\n\[exit code 0\]$/);
    expect(result.output.length).toBeLessThan(400);
  });

  it("kills a command at its timeout", async () => {
    const { run } = setup();
    const started = Date.now();
    const result = await run("bash", { command: "sleep 20", timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result).toMatchObject({ isError: true, output: expect.stringContaining("timed out after 200 ms") });
  });

  it("refuses denied commands without running them", async () => {
    const { run, directory } = setup();
    const result = await run("bash", { command: "touch ran.txt && git push" });
    expect(result).toMatchObject({ isError: true, output: expect.stringContaining("denied") });
    expect(() => readFileSync(join(directory, "ran.txt"))).toThrow();
  });
});

describe("glob and grep", () => {
  it("finds files by pattern and contents by regex, skipping node_modules", async () => {
    const { run, directory } = setup();
    mkdirSync(join(directory, "src/lib"), { recursive: true });
    mkdirSync(join(directory, "node_modules/x"), { recursive: true });
    writeFileSync(join(directory, "src/a.ts"), "export const alpha = 1;\n");
    writeFileSync(join(directory, "src/lib/b.ts"), "const beta = 2;\nexport { beta };\n");
    writeFileSync(join(directory, "src/c.md"), "alpha notes\n");
    writeFileSync(join(directory, "node_modules/x/i.ts"), "export const alpha = 0;\n");

    expect((await run("glob", { pattern: "**/*.ts" })).output).toBe("src/a.ts\nsrc/lib/b.ts");
    expect((await run("glob", { pattern: "*.ts", path: "src" })).output).toBe("a.ts");
    expect((await run("grep", { pattern: "export" })).output).toBe(
      "src/a.ts:1: export const alpha = 1;\nsrc/lib/b.ts:2: export { beta };",
    );
    expect((await run("grep", { pattern: "alpha", include: "**/*.md" })).output).toBe("src/c.md:1: alpha notes");
    expect((await run("grep", { pattern: "zzz" })).output).toBe("No matches.");
    expect(await run("grep", { pattern: "(" })).toMatchObject({ isError: true });
  });
});
