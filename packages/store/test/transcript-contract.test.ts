import { describe, expect, it } from "vitest";
import { StoreNotFoundError } from "../src/store-errors.js";
import type { PartData } from "../src/transcript.js";
import { chargeGoal, createGoal, makeGoal, tokenCharge } from "./fixtures/goals.js";
import { type ContractStore, type StoreBackend, storeBackends } from "./fixtures/store-backends.js";

const { backends } = storeBackends();

/** A store whose clock ticks one millisecond per read, so every time is distinct and predictable. */
async function freshStore(backend: StoreBackend): Promise<ContractStore> {
  let time = 1_000;
  return backend.open({ now: () => time++ });
}

describe.each(backends)("sessions and transcripts on $name", (backend) => {
  describe("sessions", () => {
    it("creates, reads, lists newest first, and updates", async () => {
      const store = await freshStore(backend);
      const first = await store.sessions.createSession({ title: "first", directory: "/repo" });
      const second = await store.sessions.createSession({ directory: "/repo", metadata: { agent: "build" } });
      expect(first.id).toMatch(/^ses_/);
      expect(await store.sessions.getSession(first.id)).toStrictEqual(first);
      expect(second).toMatchObject({ title: "", metadata: { agent: "build" } });
      expect((await store.sessions.listSessions()).map((session) => session.id)).toEqual([second.id, first.id]);

      const renamed = await store.sessions.updateSession(first.id, { title: "renamed" });
      expect(renamed.title).toBe("renamed");
      expect(renamed.time.updated).toBeGreaterThan(first.time.updated);
      expect((await store.sessions.listSessions({ limit: 1 }))[0]?.id).toBe(first.id);
      expect(await store.sessions.getSession("ses_missing")).toBeUndefined();
      await expect(store.sessions.updateSession("ses_missing", { title: "x" })).rejects.toBeInstanceOf(
        StoreNotFoundError,
      );
    });

    it("lists children and names an unknown parent", async () => {
      const store = await freshStore(backend);
      const parent = await store.sessions.createSession({ directory: "/repo" });
      const child = await store.sessions.createSession({ directory: "/repo", parentID: parent.id });
      expect(child.parentID).toBe(parent.id);
      expect((await store.sessions.listSessions({ parentID: parent.id })).map((session) => session.id)).toEqual([
        child.id,
      ]);
      expect((await store.sessions.listSessions({ parentID: null })).map((session) => session.id)).toEqual([parent.id]);
      await expect(store.sessions.createSession({ directory: "/repo", parentID: "ses_nope" })).rejects.toThrow(
        "parentID: no session with id ses_nope",
      );
    });
  });

  describe("messages and parts", () => {
    it("lists a transcript in order, parts under their messages", async () => {
      const store = await freshStore(backend);
      const session = await store.sessions.createSession({ directory: "/repo" });
      const user = await store.messages.appendMessage({
        sessionID: session.id,
        role: "user",
        parts: [{ type: "text", text: "fix the build" }],
      });
      const assistant = await store.messages.appendMessage({
        sessionID: session.id,
        role: "assistant",
        data: { model: "local/m" },
      });
      await store.messages.appendPart(assistant.id, { type: "step-start" });
      await store.messages.appendPart(assistant.id, { type: "reasoning", text: "look at the log" });
      await store.messages.appendPart(assistant.id, { type: "text", text: "done" });
      const context = await store.messages.appendMessage({
        sessionID: session.id,
        role: "user",
        data: { synthetic: true },
        parts: [{ type: "goal-context", template: "continuation", text: "Continue toward the goal." }],
      });

      const transcript = await store.messages.listMessages(session.id);
      expect(transcript.map((message) => [message.role, message.seq])).toEqual([
        ["user", 1],
        ["assistant", 2],
        ["user", 3],
      ]);
      expect(transcript.map((message) => message.parts.map((part) => part.data.type))).toEqual([
        ["text"],
        ["step-start", "reasoning", "text"],
        ["goal-context"],
      ]);
      const seqs = transcript.flatMap((message) => message.parts.map((part) => part.seq));
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
      expect(transcript[0]?.id).toBe(user.id);
      expect(transcript[2]).toMatchObject({ id: context.id, data: { synthetic: true } });
      expect((await store.messages.listMessages(session.id, { afterSeq: 2 })).map((message) => message.id)).toEqual([
        context.id,
      ]);
      expect((await store.sessions.getSession(session.id))?.time.updated).toBe(context.time.created);
    });

    it("updates a tool part through its states and completes the message", async () => {
      const store = await freshStore(backend);
      const session = await store.sessions.createSession({ directory: "/repo" });
      const message = await store.messages.appendMessage({ sessionID: session.id, role: "assistant" });
      const input = { command: "npm test" };
      const pending: PartData = { type: "tool", callID: "call_1", tool: "bash", state: { status: "pending", input } };
      const part = await store.messages.appendPart(message.id, pending);
      await store.messages.updatePart(part.id, { ...pending, state: { status: "running", input, time: { start: 5 } } });
      const completed: PartData = {
        type: "tool",
        callID: "call_1",
        tool: "bash",
        state: { status: "completed", input, output: "ok", time: { start: 5, end: 9 } },
      };
      const updated = await store.messages.updatePart(part.id, completed);
      expect(updated.seq).toBe(part.seq);
      expect(updated.time.updated).toBeGreaterThan(part.time.updated);
      await store.messages.updateMessage(message.id, {
        completed: 42,
        data: { model: "local/m", usage: { input: 10, output: 3, reasoning: 0, cacheRead: 0, cacheWrite: 0 } },
      });

      const read = await store.messages.getMessage(message.id);
      expect(read?.parts.map((p) => p.data)).toEqual([completed]);
      expect(read?.time.completed).toBe(42);
      expect(read?.data.usage?.input).toBe(10);
    });

    it("reads after a seq only the newer messages, each with all its parts, and agrees with a full read", async () => {
      const store = await freshStore(backend);
      const session = await store.sessions.createSession({ directory: "/repo" });
      const other = await store.sessions.createSession({ directory: "/repo" });
      const old = await store.messages.appendMessage({
        sessionID: session.id,
        role: "user",
        parts: [{ type: "text", text: "a" }],
      });
      await store.messages.appendMessage({
        sessionID: other.id,
        role: "user",
        parts: [{ type: "text", text: "other" }],
      });
      const fresh = await store.messages.appendMessage({
        sessionID: session.id,
        role: "assistant",
        parts: [{ type: "step-start" }],
      });
      // A part appended to the old message later is not part of an incremental read past it.
      await store.messages.appendPart(old.id, { type: "text", text: "late" });
      await store.messages.appendPart(fresh.id, { type: "text", text: "answer" });

      const after = await store.messages.listMessages(session.id, { afterSeq: old.seq });
      expect(after.map((message) => message.id)).toEqual([fresh.id]);
      expect(after[0]?.parts.map((part) => part.data)).toEqual([
        { type: "step-start" },
        { type: "text", text: "answer" },
      ]);
      const full = await store.messages.listMessages(session.id);
      expect(full.at(-1)).toEqual(after[0]);
      expect(full[0]?.parts.map((part) => part.seq)).toEqual([1, 3]);
      expect(await store.messages.listMessages(session.id, { afterSeq: fresh.seq })).toEqual([]);
    });

    it("finishes a message with its closing part in one write, and patches keep what they do not name", async () => {
      const store = await freshStore(backend);
      const session = await store.sessions.createSession({ directory: "/repo" });
      const message = await store.messages.appendMessage({
        sessionID: session.id,
        role: "assistant",
        data: { model: "a/b" },
      });
      const usage = { input: 10, output: 3, reasoning: 0, cacheRead: 0, cacheWrite: 0 };
      const finished = await store.messages.finishMessage(
        message.id,
        { type: "step-finish", finishReason: "stop", usage },
        { data: { model: "a/b", finishReason: "stop", usage }, completed: 77 },
      );
      expect(finished.message).toMatchObject({ id: message.id, seq: message.seq, time: { completed: 77 } });
      expect(finished.part).toMatchObject({ messageID: message.id, seq: 1, data: { type: "step-finish" } });
      expect(await store.messages.getMessage(message.id)).toEqual({ ...finished.message, parts: [finished.part] });

      const renamed = await store.messages.updateMessage(message.id, { data: { model: "c/d" } });
      expect(renamed.time.completed).toBe(77);
      const recompleted = await store.messages.updateMessage(message.id, { completed: 80 });
      expect(recompleted).toMatchObject({ data: { model: "c/d" }, time: { completed: 80 } });

      await expect(store.messages.finishMessage("msg_x", { type: "step-finish" }, { completed: 1 })).rejects.toThrow(
        "messageID: no message",
      );
      expect(await store.countRows("part")).toBe(1);
    });

    it("refuses unknown ids and part type changes, naming the field", async () => {
      const store = await freshStore(backend);
      const session = await store.sessions.createSession({ directory: "/repo" });
      const message = await store.messages.appendMessage({ sessionID: session.id, role: "assistant" });
      const part = await store.messages.appendPart(message.id, { type: "text", text: "hi" });
      await expect(store.messages.appendMessage({ sessionID: "ses_x", role: "user" })).rejects.toThrow(
        "sessionID: no session with id ses_x",
      );
      await expect(store.messages.appendPart("msg_x", { type: "text", text: "" })).rejects.toThrow(
        "messageID: no message",
      );
      await expect(store.messages.updatePart("prt_x", { type: "text", text: "" })).rejects.toBeInstanceOf(
        StoreNotFoundError,
      );
      await expect(store.messages.updatePart(part.id, { type: "reasoning", text: "" })).rejects.toThrow(
        /data.type: .* is a text part, cannot become reasoning/,
      );
      expect(await store.messages.getMessage("msg_x")).toBeUndefined();
    });

    it("deleting a session removes its messages, parts, child sessions and goals, keeping goal history", async () => {
      const store = await freshStore(backend);
      const parent = await store.sessions.createSession({ directory: "/repo" });
      const child = await store.sessions.createSession({ directory: "/repo", parentID: parent.id });
      const other = await store.sessions.createSession({ directory: "/repo" });
      for (const session of [parent, child, other]) {
        await store.messages.appendMessage({
          sessionID: session.id,
          role: "user",
          parts: [{ type: "text", text: "go" }],
        });
        await store.goals.update(session.id, createGoal(makeGoal(session.id)));
      }
      await store.goals.update(parent.id, chargeGoal("k", tokenCharge(4)));

      const deleted = await store.sessions.deleteSession(parent.id);
      expect(new Set(deleted.sessionIDs)).toEqual(new Set([parent.id, child.id]));
      expect(new Set(deleted.clearedGoalSessionIDs)).toEqual(new Set([parent.id, child.id]));
      expect(await store.sessions.getSession(child.id)).toBeUndefined();
      expect(await store.messages.listMessages(parent.id)).toEqual([]);
      expect(await store.countRows("message")).toBe(1);
      expect(await store.countRows("part")).toBe(1);
      expect(await store.goals.get(parent.id)).toBeUndefined();
      expect(await store.goals.get(other.id)).toBeDefined();
      expect((await store.goals.history(parent.id)).map((entry) => entry.kind)).toEqual([
        "created",
        "charged",
        "cleared",
      ]);
      expect(await store.sessions.deleteSession(parent.id)).toEqual({ sessionIDs: [], clearedGoalSessionIDs: [] });
    });
  });

  it("appends from two stores on one database at once each take their own place in one order", async () => {
    const store = await freshStore(backend);
    const replica = await store.openAnother();
    const session = await store.sessions.createSession({ directory: "/repo" });
    const first = await store.messages.appendMessage({ sessionID: session.id, role: "assistant" });
    const writes = Array.from({ length: 20 }, (_, index) => {
      const writer = index % 2 === 0 ? store : replica;
      return index % 4 < 2
        ? writer.messages.appendMessage({
            sessionID: session.id,
            role: "user",
            parts: [{ type: "text", text: `m${index}` }],
          })
        : writer.messages.appendPart(first.id, { type: "text", text: `p${index}` });
    });
    await Promise.all(writes);
    const transcript = await replica.messages.listMessages(session.id);
    expect(transcript.map((message) => message.seq)).toEqual(Array.from({ length: 11 }, (_, index) => index + 1));
    const partSeqs = transcript.flatMap((message) => message.parts.map((part) => part.seq)).sort((a, b) => a - b);
    expect(partSeqs).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
  });
});
