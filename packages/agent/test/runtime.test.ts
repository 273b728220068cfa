import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MockLanguageModelV3, simulateReadableStream } from "ai/test";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../src/runtime.js";
import { Harness } from "./harness.js";

describe("runtime API", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("answers a prompt, persisting typed parts and emitting events in order", async () => {
    harness = await Harness.start({
      behaviour: (request) =>
        request.body.messages.at(-1)?.role === "tool"
          ? { text: "Wrote it." }
          : {
              reasoning: "plan",
              text: "Writing.",
              toolCalls: [{ name: "write", arguments: { path: "x.txt", content: "x" } }],
            },
    });
    const session = await harness.runtime.sessions.create({ title: "Mine" });
    const answer = await harness.runtime.prompt(session.id, { text: "write x.txt" });
    expect(answer.role).toBe("assistant");
    expect(answer.parts.map((part) => part.data.type)).toEqual(["step-start", "text", "step-finish"]);

    const messages = await harness.runtime.sessions.messages(session.id);
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "assistant"]);
    expect(messages[1]!.parts.map((part) => part.data.type)).toEqual([
      "step-start",
      "reasoning",
      "text",
      "tool",
      "step-finish",
    ]);
    const tool = messages[1]!.parts[3]!.data;
    expect(tool).toMatchObject({
      type: "tool",
      tool: "write",
      state: { status: "completed", output: "Wrote 1 bytes to x.txt" },
    });
    expect(messages[1]!.data).toMatchObject({
      model: "test/scripted",
      finishReason: "tool-calls",
      usage: { output: expect.any(Number) },
    });

    const types = harness.events.map((event) => event.type);
    expect(types[0]).toBe("session.created");
    const firstAssistant = harness.events.findIndex(
      (event) => event.type === "message.updated" && event.properties.info.role === "assistant",
    );
    expect(types.indexOf("session.status")).toBeLessThan(firstAssistant);
    expect(types.at(-2)).toBe("session.status");
    expect(types.at(-1)).toBe("session.idle");
    expect(harness.runtime.status()).toEqual({});
    expect((await harness.runtime.sessions.get(session.id))?.title).toBe("Mine");
  });

  it("queues a prompt sent while a turn runs and answers it in the same run", async () => {
    harness = await Harness.start({
      behaviour: (request) => ({ text: `seen ${request.body.messages.length}` }),
      latencyMs: 100,
    });
    const sessionID = await harness.session();
    const first = harness.runtime.prompt(sessionID, { text: "one" });
    const second = harness.runtime.prompt(sessionID, { text: "two" });
    const [a, b] = await Promise.all([first, second]);
    expect(a.role).toBe("assistant");
    expect(b.role).toBe("assistant");
    const users = (await harness.runtime.sessions.messages(sessionID)).filter((m) => m.role === "user");
    expect(users).toHaveLength(2);
    expect(harness.model.requests.at(-1)!.body.messages.filter((m) => m.role === "user")).toHaveLength(2);
  });

  it("refuses goals for unknown sessions and deletes sessions with their goals", async () => {
    harness = await Harness.start({ behaviour: [{ text: "ok" }] });
    expect(await harness.runtime.goals.create("ses_missing", { objective: "x" })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "x" });
    await harness.runtime.goals.update(sessionID, { status: "paused" });
    expect(await harness.runtime.sessions.delete(sessionID)).toBe(true);
    expect(await harness.runtime.sessions.get(sessionID)).toBeUndefined();
    expect(await harness.runtime.goals.get(sessionID)).toBeUndefined();
    const types = harness.events.map((event) => event.type);
    expect(types).toContain("session.deleted");
    expect(types.at(-1)).toBe("session.goal.cleared");
    expect(await harness.runtime.sessions.delete(sessionID)).toBe(false);
  });

  it("reports a missing model as a session error that says how to configure one", async () => {
    const root = mkdtempSync(join(tmpdir(), "pursuit-nomodel-"));
    const runtime = await createRuntime({ database: ":memory:", config: {}, directory: root });
    try {
      const errors: string[] = [];
      runtime.subscribe((event) => {
        if (event.type === "session.error") errors.push(event.properties.error.message);
      });
      const session = await runtime.sessions.create();
      await expect(runtime.prompt(session.id, { text: "hi" })).rejects.toThrow(/ended before the model answered/);
      expect(errors[0]).toMatch(/No model is configured: set "model"/);
    } finally {
      await runtime.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("runs turns on an injected model without any configured provider", async () => {
    const root = mkdtempSync(join(tmpdir(), "pursuit-injected-"));
    const model = new MockLanguageModelV3({
      doStream: async () => ({
        stream: simulateReadableStream({
          chunks: [
            { type: "text-start", id: "t" },
            { type: "text-delta", id: "t", delta: "Hello from the mock." },
            { type: "text-end", id: "t" },
            {
              type: "finish",
              finishReason: { unified: "stop", raw: "stop" },
              usage: {
                inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
                outputTokens: { total: 5, text: 5, reasoning: 0 },
              },
            },
          ],
        }),
      }),
    });
    const runtime = await createRuntime({ database: ":memory:", config: {}, directory: root, model: () => model });
    try {
      const session = await runtime.sessions.create();
      const answer = await runtime.prompt(session.id, { text: "hi" });
      expect(answer.parts.some((part) => part.data.type === "text" && part.data.text === "Hello from the mock.")).toBe(
        true,
      );
      expect(answer.data).toMatchObject({ model: "injected/model", usage: { input: 10, output: 5 } });
    } finally {
      await runtime.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
