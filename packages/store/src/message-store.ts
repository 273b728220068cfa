import type { StoreDatabase } from "./database.js";
import { createId } from "./ids.js";
import { type MessageQueries, prepareMessageQueries } from "./message-queries.js";
import type { MessageRow } from "./schema.js";
import type { MessagePatch, MessageStore, NewMessage } from "./store.js";
import { StoreNotFoundError } from "./store-errors.js";
import type { PartData, StoredMessage, StoredMessageWithParts, StoredPart } from "./transcript.js";
import { rowToMessage, rowToPart } from "./transcript-rows.js";

/** A message's identity, as the part writers need it. */
type MessageKey = { id: string; sessionID: string };

/**
 * Messages and parts of session transcripts. Appends allocate `seq` inside an IMMEDIATE transaction, so
 * writers from several processes still get a strict order; a session's transcript is two index scans.
 * The queries of the model loop's hot path are prepared once (see message-queries.ts).
 */
export class SqliteMessageStore implements MessageStore {
  private readonly hot: MessageQueries;

  constructor(
    private readonly db: StoreDatabase,
    private readonly now: () => number,
  ) {
    this.hot = prepareMessageQueries(db);
  }

  async appendMessage(input: NewMessage): Promise<StoredMessageWithParts> {
    const time = this.now();
    const { hot } = this;
    return this.db.transaction(
      () => {
        const { sessionID } = input;
        if (hot.touchSession.get({ sessionID, time }) === undefined) {
          throw new StoreNotFoundError("session", sessionID, "sessionID");
        }
        const encoded = JSON.stringify(input.data ?? {});
        const message: StoredMessage = {
          id: input.id ?? createId("msg"),
          sessionID,
          role: input.role,
          seq: (hot.lastMessageSeq.get({ sessionID })?.last ?? 0) + 1,
          data: JSON.parse(encoded),
          time: { created: time },
        };
        if (input.completed !== undefined) message.time.completed = input.completed;
        hot.insertMessage.run({
          id: message.id,
          sessionID,
          role: message.role,
          seq: message.seq,
          timeCreated: time,
          timeCompleted: input.completed ?? null,
          data: encoded,
        });
        const parts = (input.parts ?? []).map((part) => this.insertPart(message, part, time));
        return { ...message, parts };
      },
      { behavior: "immediate" },
    );
  }

  async updateMessage(id: string, patch: MessagePatch): Promise<StoredMessage> {
    const row =
      patch.data === undefined && patch.completed === undefined
        ? this.hot.messageByID.get({ id })
        : this.patchMessage(id, patch);
    if (!row) throw new StoreNotFoundError("message", id, "id");
    return rowToMessage(row);
  }

  /** Appends a part at the end of the session's transcript. */
  async appendPart(messageID: string, data: PartData, options: { id?: string } = {}): Promise<StoredPart> {
    const time = this.now();
    return this.db.transaction(() => this.insertPart(this.requireMessage(messageID), data, time, options.id), {
      behavior: "immediate",
    });
  }

  /**
   * Appends a message's closing part and applies its patch in one transaction: a reader (or a restart after
   * a crash) sees the message finished with its part, or neither.
   */
  async finishMessage(
    messageID: string,
    data: PartData,
    patch: MessagePatch,
  ): Promise<{ message: StoredMessage; part: StoredPart }> {
    const time = this.now();
    return this.db.transaction(
      () => {
        const part = this.insertPart(this.requireMessage(messageID), data, time);
        const row = this.patchMessage(messageID, patch);
        if (!row) throw new StoreNotFoundError("message", messageID, "messageID");
        return { message: rowToMessage(row), part };
      },
      { behavior: "immediate" },
    );
  }

  /** Replaces a part's data (a tool call moving from pending to running to completed); its type may not change. */
  async updatePart(id: string, data: PartData): Promise<StoredPart> {
    const row = this.hot.updatePart.get({ id, type: data.type, data: JSON.stringify(data), time: this.now() });
    if (row) return rowToPart(row);
    const existing = this.hot.partType.get({ id });
    if (!existing) throw new StoreNotFoundError("part", id, "id");
    throw new Error(`data.type: part ${id} is a ${existing.type} part, cannot become ${data.type}`);
  }

  async getMessage(id: string): Promise<StoredMessageWithParts | undefined> {
    const row = this.hot.messageByID.get({ id });
    if (!row) return undefined;
    const parts = this.hot.partsOfMessage.all({ messageID: id });
    return { ...rowToMessage(row), parts: parts.map(rowToPart) };
  }

  /**
   * The session's messages in order, each with its parts in order; `afterSeq` reads only newer messages
   * and only their parts, so following a growing transcript costs what it gained.
   */
  async listMessages(sessionID: string, options: { afterSeq?: number } = {}): Promise<StoredMessageWithParts[]> {
    const { hot } = this;
    const afterSeq = options.afterSeq ?? Number.MIN_SAFE_INTEGER;
    return this.db.transaction(() => {
      const messages = hot.messagesAfter.all({ sessionID, afterSeq });
      if (messages.length === 0) return [];
      const byID = new Map<string, StoredMessageWithParts>();
      for (const row of messages) byID.set(row.id, { ...rowToMessage(row), parts: [] });
      const parts =
        options.afterSeq === undefined
          ? hot.partsOfSession.all({ sessionID })
          : hot.partsOfMessagesAfter.all({ sessionID, afterSeq });
      for (const part of parts) byID.get(part.messageID)?.parts.push(rowToPart(part));
      return [...byID.values()];
    });
  }

  private requireMessage(messageID: string): MessageKey {
    const message = this.hot.messageKey.get({ id: messageID });
    if (!message) throw new StoreNotFoundError("message", messageID, "messageID");
    return message;
  }

  private patchMessage(id: string, patch: MessagePatch): MessageRow | undefined {
    return this.hot.patchMessage.get({
      id,
      data: patch.data === undefined ? null : JSON.stringify(patch.data),
      completed: patch.completed ?? null,
    });
  }

  /** Inside a write transaction: the part's seq is the session's next. */
  private insertPart(message: MessageKey, data: PartData, time: number, id?: string): StoredPart {
    const { hot } = this;
    const encoded = JSON.stringify(data);
    const part: StoredPart = {
      id: id ?? createId("prt"),
      messageID: message.id,
      sessionID: message.sessionID,
      seq: (hot.lastPartSeq.get({ sessionID: message.sessionID })?.last ?? 0) + 1,
      data: JSON.parse(encoded),
      time: { created: time, updated: time },
    };
    hot.insertPart.run({
      id: part.id,
      messageID: part.messageID,
      sessionID: part.sessionID,
      seq: part.seq,
      type: data.type,
      data: encoded,
      time,
    });
    return part;
  }
}
