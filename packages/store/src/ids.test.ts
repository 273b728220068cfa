import { describe, expect, it } from "vitest";
import { createId } from "./ids.js";

describe("createId", () => {
  it("sorts in creation order within a millisecond and when the clock steps back", () => {
    const ids = [createId("x", 5_000), createId("x", 5_000), createId("x", 4_000), createId("x", 6_000)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps order past 65536 ids in one millisecond", () => {
    const now = Date.now() + 60_000;
    const ids = Array.from({ length: 70_000 }, () => createId("x", now));
    expect(ids.every((id, i) => i === 0 || (ids[i - 1] as string) < id)).toBe(true);
  });

  it("starts with the prefix", () => {
    expect(createId("ses")).toMatch(/^ses_[0-9a-f]{16}[0-9a-z]{10}$/);
  });
});
