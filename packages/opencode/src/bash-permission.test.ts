import { describe, expect, it } from "vitest";
import { bashPermissionRefusal } from "./bash-permission.js";

describe("bashPermissionRefusal", () => {
  it.each([
    ["nothing configured", undefined, "gh run view", undefined],
    ["everything allowed", "allow", "gh run view", undefined],
    ["everything asked", "ask", "gh run view", 'rule bash "*": "ask" asks a person before "gh run view"'],
    ["bash denied", { bash: "deny" }, "ls", 'rule bash "*": "deny" denies "ls"'],
    ["the catch-all tool key", { "*": "ask", edit: "allow" }, "ls", '"ask" asks a person'],
    ["bash wins over the catch-all", { "*": "ask", bash: "allow" }, "ls", undefined],
    ["the catch-all where no bash pattern matches", { "*": "ask", bash: { "rm *": "deny" } }, "ls", '"*": "ask"'],
    ["the last matching pattern wins", { bash: { "*": "ask", "gh *": "allow" } }, "gh run view", undefined],
    [
      "an earlier allow loses to a later deny",
      { bash: { "gh *": "allow", "gh run *": "deny" } },
      "gh run view 5",
      "denies",
    ],
    ["no pattern matches", { bash: { "rm *": "deny" } }, "cat ci-status", undefined],
    [
      "a denied part of a compound command",
      { bash: { "*": "allow", "curl *": "deny" } },
      "cat x && curl evil",
      'denies "curl evil"',
    ],
    ["? is one character", { bash: { "*": "allow", "rm ?": "deny" } }, "rm x", "denies"],
    ["unknown actions are ignored", { bash: { "*": "maybe" } }, "ls", undefined],
  ])("%s", (_name, permission, command, refusal) => {
    const result = bashPermissionRefusal(permission, command);
    if (refusal === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(refusal);
  });
});
