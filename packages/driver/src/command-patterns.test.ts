import { describe, expect, it } from "vitest";
import { commandPieces, wildcardToRegExp } from "./command-patterns.js";

describe("commandPieces", () => {
  it("gives the whole command and each part between separators", () => {
    expect(commandPieces("npm test && git push | tee log; echo ok\nls")).toEqual([
      "npm test && git push | tee log; echo ok\nls",
      "npm test",
      "git push",
      "tee log",
      "echo ok",
      "ls",
    ]);
  });
});

describe("wildcardToRegExp", () => {
  it.each([
    ["git push*", "git push origin", {}, true],
    ["a.b*", "a.bcd", {}, true],
    ["a.b*", "axbcd", {}, false],
    ["rm ?", "rm x", {}, false],
    ["rm ?", "rm ?", {}, true],
    ["rm ?", "rm x", { singleCharacter: true }, true],
    ["rm ?", "rm xy", { singleCharacter: true }, false],
    ["cat *", "cat a\nb", {}, true],
  ])("%s against %j (%j): %s", (pattern, text, options, matches) => {
    expect(wildcardToRegExp(pattern, options).test(text)).toBe(matches);
  });
});
