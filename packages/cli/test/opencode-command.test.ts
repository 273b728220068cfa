import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runPursuit } from "./pursuit-process.js";

const PLUGIN_DIR = resolve(fileURLToPath(import.meta.url), "../../../opencode");

describe("pursuit opencode install", () => {
  const root = mkdtempSync(join(tmpdir(), "pursuit-opencode-install-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("adds the plugin to opencode.json and tui.json, keeping what was there, and changes nothing the second time", async () => {
    writeFileSync(join(root, "opencode.json"), JSON.stringify({ model: "anthropic/claude", plugin: ["other-plugin"] }));
    const first = await runPursuit(["opencode", "install", "--dir", root], { cwd: root });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`updated: ${join(root, "opencode.json")}`);
    expect(JSON.parse(readFileSync(join(root, "opencode.json"), "utf8"))).toEqual({
      model: "anthropic/claude",
      plugin: ["other-plugin", PLUGIN_DIR],
    });
    expect(JSON.parse(readFileSync(join(root, "tui.json"), "utf8"))).toEqual({ plugin: [PLUGIN_DIR] });
    const second = await runPursuit(["opencode", "install", "--dir", root], { cwd: root });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("already set");
  });

  it("refuses a broken opencode.json and leaves it as it was", async () => {
    const dir = mkdtempSync(join(root, "broken-"));
    writeFileSync(join(dir, "opencode.json"), "{ not json");
    const result = await runPursuit(["opencode", "install", "--dir", dir], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not valid JSON");
    expect(readFileSync(join(dir, "opencode.json"), "utf8")).toBe("{ not json");
  });
});
