import { homedir } from "node:os";
import { describe, expect, it } from "vitest";
import { defaultDatabasePath } from "./paths.js";

describe("defaultDatabasePath", () => {
  it("uses XDG_DATA_HOME when set", () => {
    expect(defaultDatabasePath({ XDG_DATA_HOME: "/data" })).toBe("/data/pursuit/pursuit.db");
  });

  it("falls back to ~/.local/share", () => {
    expect(defaultDatabasePath({})).toBe(`${homedir()}/.local/share/pursuit/pursuit.db`);
    expect(defaultDatabasePath({ XDG_DATA_HOME: " " })).toBe(`${homedir()}/.local/share/pursuit/pursuit.db`);
  });
});
