import type { MessageRow, PartRow, SessionRow } from "./schema.js";
import type { Session, StoredMessage, StoredPart } from "./transcript.js";

// Rows of both databases have these shapes (times as epoch milliseconds, JSON decoded by the driver).

export function rowToSession(row: SessionRow): Session {
  const session: Session = {
    id: row.id,
    title: row.title,
    directory: row.directory,
    metadata: row.metadata,
    time: { created: row.timeCreated, updated: row.timeUpdated },
  };
  if (row.parentID !== null) session.parentID = row.parentID;
  return session;
}

export function rowToMessage(row: MessageRow): StoredMessage {
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

export function rowToPart(row: PartRow): StoredPart {
  return {
    id: row.id,
    messageID: row.messageID,
    sessionID: row.sessionID,
    seq: row.seq,
    data: row.data,
    time: { created: row.timeCreated, updated: row.timeUpdated },
  };
}
