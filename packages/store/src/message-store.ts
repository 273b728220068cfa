import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { StoreDatabase } from "./database.js";
import { createId } from "./ids.js";
import { type MessageRow, messageTable, type PartRow, partTable, sessionTable } from "./schema.js";
import { sessionExists } from "./session-store.js";
import { StoreNotFoundError } from "./store-errors.js";
import type {
  MessageData,
  MessageRole,
  PartData,
  StoredMessage,
  StoredMessageWithParts,
  StoredPart,
} from "./transcript.js";

export type NewMessage = {
  /** Defaults to a fresh sortable `msg_` id. */
  id?: string;
  sessionID: string;
  role: MessageRole;
  data?: MessageData;
  /** Parts written with the message, in order, in the same transaction. */
  parts?: PartData[];
  completed?: number;
};

/** `data` replaces the stored message data as a whole; `completed` sets the completion time. */
export type MessagePatch = { data?: MessageData; completed?: number };

/**
 * Messages and parts of session transcripts. Appends allocate `seq` inside an IMMEDIATE transaction, so
 * writers from several processes still get a strict order; a session's transcript is two index scans.
 */
export class SqliteMessageStore {
  constructor(
    private readonly db: StoreDatabase,
    private readonly now: () => number,
  ) {}

  async appendMessage(input: NewMessage): Promise<StoredMessageWithParts> {
    const time = this.now();
    return this.db.transaction(
      (tx) => {
        if (!sessionExists(tx, input.sessionID)) throw new StoreNotFoundError("session", input.sessionID, "sessionID");
        const row = tx
          .insert(messageTable)
          .values({
            id: input.id ?? createId("msg"),
            sessionID: input.sessionID,
            role: input.role,
            seq: nextMessageSeq(tx, input.sessionID),
            timeCreated: time,
            timeCompleted: input.completed ?? null,
            data: input.data ?? {},
          })
          .returning()
          .get();
        const parts = (input.parts ?? []).map((part) => insertPart(tx, row, part, time));
        tx.update(sessionTable).set({ timeUpdated: time }).where(eq(sessionTable.id, input.sessionID)).run();
        return { ...rowToMessage(row), parts };
      },
      { behavior: "immediate" },
    );
  }

  async updateMessage(id: string, patch: MessagePatch): Promise<StoredMessage> {
    if (patch.data === undefined && patch.completed === undefined) {
      const found = this.db.select().from(messageTable).where(eq(messageTable.id, id)).get();
      if (!found) throw new StoreNotFoundError("message", id, "id");
      return rowToMessage(found);
    }
    const row = this.db
      .update(messageTable)
      .set({ data: patch.data, timeCompleted: patch.completed })
      .where(eq(messageTable.id, id))
      .returning()
      .get();
    if (!row) throw new StoreNotFoundError("message", id, "id");
    return rowToMessage(row);
  }

  /** Appends a part at the end of the session's transcript. */
  async appendPart(messageID: string, data: PartData, options: { id?: string } = {}): Promise<StoredPart> {
    const time = this.now();
    return this.db.transaction(
      (tx) => {
        const message = tx.select().from(messageTable).where(eq(messageTable.id, messageID)).get();
        if (!message) throw new StoreNotFoundError("message", messageID, "messageID");
        return insertPart(tx, message, data, time, options.id);
      },
      { behavior: "immediate" },
    );
  }

  /** Replaces a part's data (a tool call moving from pending to running to completed); its type may not change. */
  async updatePart(id: string, data: PartData): Promise<StoredPart> {
    const row = this.db
      .update(partTable)
      .set({ data, timeUpdated: this.now() })
      .where(and(eq(partTable.id, id), eq(partTable.type, data.type)))
      .returning()
      .get();
    if (row) return rowToPart(row);
    const existing = this.db.select({ type: partTable.type }).from(partTable).where(eq(partTable.id, id)).get();
    if (!existing) throw new StoreNotFoundError("part", id, "id");
    throw new Error(`data.type: part ${id} is a ${existing.type} part, cannot become ${data.type}`);
  }

  async getMessage(id: string): Promise<StoredMessageWithParts | undefined> {
    const row = this.db.select().from(messageTable).where(eq(messageTable.id, id)).get();
    if (!row) return undefined;
    const parts = this.db.select().from(partTable).where(eq(partTable.messageID, id)).orderBy(asc(partTable.seq)).all();
    return { ...rowToMessage(row), parts: parts.map(rowToPart) };
  }

  /** The session's messages in order, each with its parts in order; `afterSeq` reads only newer messages. */
  async listMessages(sessionID: string, options: { afterSeq?: number } = {}): Promise<StoredMessageWithParts[]> {
    return this.db.transaction((tx) => {
      const messageWhere =
        options.afterSeq === undefined
          ? eq(messageTable.sessionID, sessionID)
          : and(eq(messageTable.sessionID, sessionID), gt(messageTable.seq, options.afterSeq));
      const messages = tx.select().from(messageTable).where(messageWhere).orderBy(asc(messageTable.seq)).all();
      if (messages.length === 0) return [];
      const byID = new Map<string, StoredMessageWithParts>();
      for (const row of messages) byID.set(row.id, { ...rowToMessage(row), parts: [] });
      const parts = tx
        .select()
        .from(partTable)
        .where(eq(partTable.sessionID, sessionID))
        .orderBy(asc(partTable.seq))
        .all();
      for (const part of parts) byID.get(part.messageID)?.parts.push(rowToPart(part));
      return [...byID.values()];
    });
  }
}

function nextMessageSeq(db: StoreDatabase, sessionID: string): number {
  const row = db
    .select({ last: sql<number | null>`max(${messageTable.seq})` })
    .from(messageTable)
    .where(eq(messageTable.sessionID, sessionID))
    .get();
  return (row?.last ?? 0) + 1;
}

function nextPartSeq(db: StoreDatabase, sessionID: string): number {
  const row = db
    .select({ last: sql<number | null>`max(${partTable.seq})` })
    .from(partTable)
    .where(eq(partTable.sessionID, sessionID))
    .get();
  return (row?.last ?? 0) + 1;
}

function insertPart(db: StoreDatabase, message: MessageRow, data: PartData, time: number, id?: string): StoredPart {
  const row = db
    .insert(partTable)
    .values({
      id: id ?? createId("prt"),
      messageID: message.id,
      sessionID: message.sessionID,
      seq: nextPartSeq(db, message.sessionID),
      type: data.type,
      data,
      timeCreated: time,
      timeUpdated: time,
    })
    .returning()
    .get();
  return rowToPart(row);
}

function rowToMessage(row: MessageRow): StoredMessage {
  const message: StoredMessage = {
    id: row.id,
    sessionID: row.sessionID,
    role: row.role,
    seq: row.seq,
    data: row.data,
    time: { created: row.timeCreated },
  };
  if (row.timeCompleted !== null) message.time.completed = row.timeCompleted;
  return message;
}

function rowToPart(row: PartRow): StoredPart {
  return {
    id: row.id,
    messageID: row.messageID,
    sessionID: row.sessionID,
    seq: row.seq,
    data: row.data,
    time: { created: row.timeCreated, updated: row.timeUpdated },
  };
}
