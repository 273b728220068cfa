import type { ContextMessage } from "@pursuit/core";
import type { MessageData, PartData, Store, StoredMessage, StoredPart } from "@pursuit/store";
import type { EventBus, MessageWithParts } from "./events.js";

/**
 * Writes a session's transcript through the store and announces every write as an event, in order.
 * Streaming text is persisted when its block ends; the deltas in between are events only.
 */
export class TranscriptWriter {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly now: () => number,
  ) {}

  async appendUserText(sessionID: string, text: string, data: MessageData = {}): Promise<MessageWithParts> {
    return this.append(sessionID, "user", data, [{ type: "text", text }]);
  }

  /** Goal context from the engine, as one synthetic user message (never rewritten later). */
  async appendContext(sessionID: string, messages: readonly ContextMessage[]): Promise<MessageWithParts | undefined> {
    if (messages.length === 0) return undefined;
    return this.append(
      sessionID,
      "user",
      { synthetic: true },
      messages.map((message) => ({ type: "goal-context", template: message.kind, text: message.text })),
    );
  }

  /** A compaction of the model's view, as a note for people (system messages never reach the model). */
  async appendCompaction(
    sessionID: string,
    record: Extract<PartData, { type: "compaction" }>,
  ): Promise<MessageWithParts> {
    return this.append(sessionID, "system", { synthetic: true }, [record]);
  }

  async appendAssistant(sessionID: string, data: MessageData, parts: PartData[]): Promise<MessageWithParts> {
    return this.append(sessionID, "assistant", data, parts);
  }

  private async append(
    sessionID: string,
    role: "user" | "assistant" | "system",
    data: MessageData,
    parts: PartData[],
  ): Promise<MessageWithParts> {
    const message = await this.store.messages.appendMessage({
      sessionID,
      role,
      data,
      parts,
      ...(role !== "assistant" ? { completed: this.now() } : {}),
    });
    const { parts: stored, ...info } = message;
    this.bus.emit({ type: "message.updated", properties: { info } });
    for (const part of stored) this.bus.emit({ type: "message.part.updated", properties: { part } });
    return message;
  }

  async updateMessage(id: string, data: MessageData, completed?: number): Promise<StoredMessage> {
    const info = await this.store.messages.updateMessage(id, {
      data,
      ...(completed !== undefined ? { completed } : {}),
    });
    this.bus.emit({ type: "message.updated", properties: { info } });
    return info;
  }

  /** Appends the message's closing part and completes the message in one write, announced part first. */
  async finishMessage(
    messageID: string,
    part: PartData,
    data: MessageData,
    completed: number,
  ): Promise<{ message: StoredMessage; part: StoredPart }> {
    const finished = await this.store.messages.finishMessage(messageID, part, { data, completed });
    this.bus.emit({ type: "message.part.updated", properties: { part: finished.part } });
    this.bus.emit({ type: "message.updated", properties: { info: finished.message } });
    return finished;
  }

  async appendPart(messageID: string, data: PartData): Promise<StoredPart> {
    const part = await this.store.messages.appendPart(messageID, data);
    this.bus.emit({ type: "message.part.updated", properties: { part } });
    return part;
  }

  async updatePart(part: StoredPart, data: PartData): Promise<StoredPart> {
    const updated = await this.store.messages.updatePart(part.id, data);
    this.bus.emit({ type: "message.part.updated", properties: { part: updated } });
    return updated;
  }

  /**
   * A passing state, announced but not persisted: streaming deltas (the block is written whole when it ends)
   * and a tool moving to running (it is written when it finishes; a crash leaves it pending, then interrupted).
   */
  announce(part: StoredPart, data: PartData, delta?: string): StoredPart {
    const live = { ...part, data };
    this.bus.emit({
      type: "message.part.updated",
      properties: { part: live, ...(delta !== undefined ? { delta } : {}) },
    });
    return live;
  }
}
