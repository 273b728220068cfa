import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { StoreDatabase } from "./database.js";
import { messageTable, partTable, sessionTable } from "./schema.js";

const param = sql.placeholder;

/**
 * Every model step appends and updates messages and parts, and reads what the transcript gained: those
 * queries are built and prepared once per connection instead of once per call. JSON columns are bound as
 * text the caller encodes (a placeholder bypasses the column's encoder), so each bind is plain SQL text.
 */
export function prepareMessageQueries(db: StoreDatabase) {
  const newMessages = db
    .select({ id: messageTable.id })
    .from(messageTable)
    .where(and(eq(messageTable.sessionID, param("sessionID")), gt(messageTable.seq, param("afterSeq"))));
  return {
    /** Touching the session is also the check that it exists (no row comes back otherwise). */
    touchSession: db
      .update(sessionTable)
      .set({ timeUpdated: sql`${param("time")}` })
      .where(eq(sessionTable.id, param("sessionID")))
      .returning({ id: sessionTable.id })
      .prepare(),
    lastMessageSeq: db
      .select({ last: sql<number | null>`max(${messageTable.seq})` })
      .from(messageTable)
      .where(eq(messageTable.sessionID, param("sessionID")))
      .prepare(),
    lastPartSeq: db
      .select({ last: sql<number | null>`max(${partTable.seq})` })
      .from(partTable)
      .where(eq(partTable.sessionID, param("sessionID")))
      .prepare(),
    insertMessage: db
      .insert(messageTable)
      .values({
        id: param("id"),
        sessionID: param("sessionID"),
        role: param("role"),
        seq: param("seq"),
        timeCreated: param("timeCreated"),
        timeCompleted: param("timeCompleted"),
        data: sql`${param("data")}`,
      })
      .prepare(),
    insertPart: db
      .insert(partTable)
      .values({
        id: param("id"),
        messageID: param("messageID"),
        sessionID: param("sessionID"),
        seq: param("seq"),
        type: param("type"),
        data: sql`${param("data")}`,
        timeCreated: param("time"),
        timeUpdated: param("time"),
      })
      .prepare(),
    /** What a part append needs of its message, without decoding the message's data. */
    messageKey: db
      .select({ id: messageTable.id, sessionID: messageTable.sessionID })
      .from(messageTable)
      .where(eq(messageTable.id, param("id")))
      .prepare(),
    messageByID: db
      .select()
      .from(messageTable)
      .where(eq(messageTable.id, param("id")))
      .prepare(),
    /** A null `data` or `completed` keeps the stored value (neither is ever null in a patch). */
    patchMessage: db
      .update(messageTable)
      .set({
        data: sql`coalesce(${param("data")}, ${messageTable.data})`,
        timeCompleted: sql`coalesce(${param("completed")}, ${messageTable.timeCompleted})`,
      })
      .where(eq(messageTable.id, param("id")))
      .returning()
      .prepare(),
    updatePart: db
      .update(partTable)
      .set({ data: sql`${param("data")}`, timeUpdated: sql`${param("time")}` })
      .where(and(eq(partTable.id, param("id")), eq(partTable.type, param("type"))))
      .returning()
      .prepare(),
    partType: db
      .select({ type: partTable.type })
      .from(partTable)
      .where(eq(partTable.id, param("id")))
      .prepare(),
    partsOfMessage: db
      .select()
      .from(partTable)
      .where(eq(partTable.messageID, param("messageID")))
      .orderBy(asc(partTable.seq))
      .prepare(),
    messagesAfter: db
      .select()
      .from(messageTable)
      .where(and(eq(messageTable.sessionID, param("sessionID")), gt(messageTable.seq, param("afterSeq"))))
      .orderBy(asc(messageTable.seq))
      .prepare(),
    /** All parts of the session, in transcript order (one index scan). */
    partsOfSession: db
      .select()
      .from(partTable)
      .where(eq(partTable.sessionID, param("sessionID")))
      .orderBy(asc(partTable.seq))
      .prepare(),
    /**
     * Only the parts of messages after `afterSeq`, found through the message index: an incremental read
     * costs what was appended, not the whole session.
     */
    partsOfMessagesAfter: db
      .select()
      .from(partTable)
      .where(inArray(partTable.messageID, newMessages))
      .orderBy(asc(partTable.seq))
      .prepare(),
  };
}

export type MessageQueries = ReturnType<typeof prepareMessageQueries>;
