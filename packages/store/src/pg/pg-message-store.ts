import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { anyFence } from "../fence.js";
import { createId } from "../ids.js";
import type { MessagePatch, MessageStore, NewMessage } from "../store.js";
import { StoreNotFoundError } from "../store-errors.js";
import type { PartData, StoredMessage, StoredMessageWithParts, StoredPart } from "../transcript.js";
import { rowToMessage, rowToPart } from "../transcript-rows.js";
import { checkFence } from "./pg-fence.js";
import type { PgDatabase } from "./pg-goal-store.js";
import { messageTable, partTable, sessionTable } from "./pg-schema.js";

type Transaction = Parameters<Parameters<PgDatabase["transaction"]>[0]>[0];
type MessageKey = { id: string; sessionID: string };

/**
 * Transcripts on PostgreSQL, with the same contract as SqliteMessageStore. An append locks its session's row
 * first, so appends of one session (from any replica) take their `seq` one at a time; other sessions' appends
 * never wait for it.
 */
export class PgMessageStore implements MessageStore {
  constructor(
    private readonly db: PgDatabase,
    private readonly now: () => number,
  ) {}

  async appendMessage(input: NewMessage): Promise<StoredMessageWithParts> {
    const time = this.now();
    const { sessionID } = input;
    return this.db.transaction(async (tx) => {
      const touched = await tx
        .update(sessionTable)
        .set({ timeUpdated: time })
        .where(eq(sessionTable.id, sessionID))
        .returning({ id: sessionTable.id });
      if (touched.length === 0) throw new StoreNotFoundError("session", sessionID, "sessionID");
      await checkFence(tx, sessionID);
      const [last] = await tx
        .select({ seq: sql<number | null>`max(${messageTable.seq})` })
        .from(messageTable)
        .where(eq(messageTable.sessionID, sessionID));
      const [row] = await tx
        .insert(messageTable)
        .values({
          id: input.id ?? createId("msg"),
          sessionID,
          role: input.role,
          seq: (last?.seq ?? 0) + 1,
          timeCreated: time,
          timeCompleted: input.completed ?? null,
          data: input.data ?? {},
        })
        .returning();
      if (!row) throw new Error("the message insert returned no row");
      const message = rowToMessage(row);
      const parts: StoredPart[] = [];
      for (const part of input.parts ?? []) parts.push(await insertPart(tx, message, part, time));
      return { ...message, parts };
    });
  }

  async updateMessage(id: string, patch: MessagePatch): Promise<StoredMessage> {
    const [row] = await patchMessage(this.db, id, patch);
    if (!row) throw new StoreNotFoundError("message", id, "id");
    return rowToMessage(row);
  }

  async appendPart(messageID: string, data: PartData, options: { id?: string } = {}): Promise<StoredPart> {
    const time = this.now();
    return this.db.transaction(async (tx) => insertPart(tx, await lockMessage(tx, messageID), data, time, options.id));
  }

  async finishMessage(
    messageID: string,
    data: PartData,
    patch: MessagePatch,
  ): Promise<{ message: StoredMessage; part: StoredPart }> {
    const time = this.now();
    return this.db.transaction(async (tx) => {
      const part = await insertPart(tx, await lockMessage(tx, messageID), data, time);
      const [row] = await patchMessage(tx, messageID, patch);
      if (!row) throw new StoreNotFoundError("message", messageID, "messageID");
      return { message: rowToMessage(row), part };
    });
  }

  async updatePart(id: string, data: PartData): Promise<StoredPart> {
    const time = this.now();
    const setPart = async (db: PgDatabase | Transaction) => {
      const [row] = await db
        .update(partTable)
        .set({ data, timeUpdated: time })
        .where(and(eq(partTable.id, id), eq(partTable.type, data.type)))
        .returning();
      return row;
    };
    // Under a fence, the part's session must still be this replica's; the throw rolls the update back.
    const row = anyFence()
      ? await this.db.transaction(async (tx) => {
          const updated = await setPart(tx);
          if (updated) await checkFence(tx, updated.sessionID);
          return updated;
        })
      : await setPart(this.db);
    if (row) return rowToPart(row);
    const [existing] = await this.db.select({ type: partTable.type }).from(partTable).where(eq(partTable.id, id));
    if (!existing) throw new StoreNotFoundError("part", id, "id");
    throw new Error(`data.type: part ${id} is a ${existing.type} part, cannot become ${data.type}`);
  }

  async getMessage(id: string): Promise<StoredMessageWithParts | undefined> {
    const [row] = await this.db.select().from(messageTable).where(eq(messageTable.id, id));
    if (!row) return undefined;
    const parts = await this.db.select().from(partTable).where(eq(partTable.messageID, id)).orderBy(asc(partTable.seq));
    return { ...rowToMessage(row), parts: parts.map(rowToPart) };
  }

  async listMessages(sessionID: string, options: { afterSeq?: number } = {}): Promise<StoredMessageWithParts[]> {
    const { afterSeq } = options;
    // One snapshot for both reads: a part committed between them cannot appear without its message.
    return this.db.transaction(
      async (tx) => {
        const messages = await tx
          .select()
          .from(messageTable)
          .where(
            and(
              eq(messageTable.sessionID, sessionID),
              afterSeq === undefined ? undefined : gt(messageTable.seq, afterSeq),
            ),
          )
          .orderBy(asc(messageTable.seq));
        if (messages.length === 0) return [];
        const byID = new Map<string, StoredMessageWithParts>();
        for (const row of messages) byID.set(row.id, { ...rowToMessage(row), parts: [] });
        const parts = await tx
          .select()
          .from(partTable)
          .where(
            afterSeq === undefined
              ? eq(partTable.sessionID, sessionID)
              : inArray(partTable.messageID, [...byID.keys()]),
          )
          .orderBy(asc(partTable.seq));
        for (const part of parts) byID.get(part.messageID)?.parts.push(rowToPart(part));
        return [...byID.values()];
      },
      { isolationLevel: "repeatable read", accessMode: "read only" },
    );
  }
}

/** The message's key, its session's row locked: the part about to be appended takes the session's next seq. */
async function lockMessage(tx: Transaction, messageID: string): Promise<MessageKey> {
  const [message] = await tx
    .select({ id: messageTable.id, sessionID: messageTable.sessionID })
    .from(messageTable)
    .where(eq(messageTable.id, messageID));
  if (!message) throw new StoreNotFoundError("message", messageID, "messageID");
  await tx
    .select({ id: sessionTable.id })
    .from(sessionTable)
    .where(eq(sessionTable.id, message.sessionID))
    .for("update");
  await checkFence(tx, message.sessionID);
  return message;
}

/** Inside a transaction holding the session's row: the part's seq is the session's next. */
async function insertPart(
  tx: Transaction,
  message: MessageKey,
  data: PartData,
  time: number,
  id?: string,
): Promise<StoredPart> {
  const [last] = await tx
    .select({ seq: sql<number | null>`max(${partTable.seq})` })
    .from(partTable)
    .where(eq(partTable.sessionID, message.sessionID));
  const [row] = await tx
    .insert(partTable)
    .values({
      id: id ?? createId("prt"),
      messageID: message.id,
      sessionID: message.sessionID,
      seq: (last?.seq ?? 0) + 1,
      type: data.type,
      data,
      timeCreated: time,
      timeUpdated: time,
    })
    .returning();
  if (!row) throw new Error("the part insert returned no row");
  return rowToPart(row);
}

/** `data` and `completed` where given; a patch naming neither reads the message as it is. */
function patchMessage(db: PgDatabase | Transaction, id: string, patch: MessagePatch) {
  if (patch.data === undefined && patch.completed === undefined) {
    return db.select().from(messageTable).where(eq(messageTable.id, id));
  }
  return db
    .update(messageTable)
    .set({
      ...(patch.data !== undefined ? { data: patch.data } : {}),
      ...(patch.completed !== undefined ? { timeCompleted: patch.completed } : {}),
    })
    .where(eq(messageTable.id, id))
    .returning();
}
