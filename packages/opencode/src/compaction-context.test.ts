import { testGoalEngine } from "@pursuit/core";
import { describe, expect, it } from "vitest";
import { CompactionContext, type TransformMessage } from "./compaction-context.js";

const view = (): TransformMessage[] => [
  { info: { id: "m1", sessionID: "s", role: "user" }, parts: [{ type: "text", text: "old" }] },
  { info: { id: "m2", sessionID: "s", role: "user" }, parts: [{ type: "compaction" }] },
  { info: { id: "m3", sessionID: "s", role: "assistant" }, parts: [{ type: "text", text: "summary" }] },
];
const textsOf = (messages: TransformMessage[]) =>
  messages.map((message) => message.parts.map((part) => String(part.text ?? part.type)).join("|"));

describe("CompactionContext", () => {
  it("puts an active goal back on the compaction's message, the same bytes on every later request", async () => {
    const { engine } = testGoalEngine();
    await engine.createGoal("s", { objective: "ship the release" });
    const context = new CompactionContext(engine);
    const first = view();
    await context.transform(first);
    const added = first[1]?.parts.at(-1);
    expect(added).toMatchObject({ type: "text", synthetic: true });
    expect(String(added?.text)).toContain("<objective>ship the release</objective>");
    expect(String(added?.text)).toContain("Earlier history was summarised");
    expect(Buffer.byteLength(String(added?.text))).toBeLessThanOrEqual(600);
    // Later requests: the usage moved on, the restored context did not.
    await engine.updateGoal("s", { objective: "ship the release today" });
    const later = view();
    await context.transform(later);
    expect(textsOf(later)).toEqual(textsOf(first));
  });

  it("adds nothing without an active goal, or before any compaction", async () => {
    const { engine } = testGoalEngine();
    const context = new CompactionContext(engine);
    const messages = view();
    await context.transform(messages);
    expect(messages[1]?.parts).toEqual([{ type: "compaction" }]);
    const plain = [view()[0] as TransformMessage];
    await engine.createGoal("s", { objective: "x" });
    await context.transform(plain);
    expect(plain[0]?.parts).toHaveLength(1);
  });
});
