import { describe, expect, it } from "vitest";
import { addPluginEntry } from "./opencode-config.js";

describe("addPluginEntry", () => {
  it("adds the plugin to an empty config and keeps other keys", () => {
    expect(addPluginEntry({ model: "x/y" }, "/p")).toEqual({
      ok: true,
      changed: true,
      config: { model: "x/y", plugin: ["/p"] },
    });
  });

  it("appends to an existing list and is idempotent, with or without options", () => {
    const once = addPluginEntry({ plugin: ["other"] }, "/p");
    expect(once).toEqual({ ok: true, changed: true, config: { plugin: ["other", "/p"] } });
    expect(addPluginEntry({ plugin: [["/p", { port: 1 }]] }, "/p")).toMatchObject({ ok: true, changed: false });
  });

  it("refuses what it cannot edit safely", () => {
    expect(addPluginEntry([], "/p")).toEqual({ ok: false, error: "the file must hold a JSON object" });
    expect(addPluginEntry({ plugin: "x" }, "/p")).toEqual({ ok: false, error: '"plugin" must be a list' });
  });
});
