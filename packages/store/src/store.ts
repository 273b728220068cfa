import type { GoalQueueStore, GoalStore, SpendStore, WebhookDelivery, WebhookDeliveryStore } from "@pursuit/core";
import type {
  MessageData,
  MessageRole,
  PartData,
  Session,
  StoredMessage,
  StoredMessageWithParts,
  StoredPart,
} from "./transcript.js";

export type NewSession = {
  /** Defaults to a fresh sortable `ses_` id. */
  id?: string;
  title?: string;
  directory: string;
  parentID?: string;
  metadata?: Record<string, unknown>;
};

export type SessionPatch = { title?: string; metadata?: Record<string, unknown> };

/** `parentID: null` lists only top-level sessions; a string lists that session's children. */
export type SessionFilter = { parentID?: string | null; limit?: number };

export type DeletedSessions = {
  /** The session and every descendant session, all deleted with their messages. */
  sessionIDs: string[];
  /** Sessions whose goal was deleted with them (each got a `cleared` history row). */
  clearedGoalSessionIDs: string[];
};

/** Sessions, on either database. Writes naming an unknown session throw StoreNotFoundError. */
export interface SessionStore {
  createSession(input: NewSession): Promise<Session>;
  getSession(id: string): Promise<Session | undefined>;
  /** Most recently updated first. */
  listSessions(filter?: SessionFilter): Promise<Session[]>;
  updateSession(id: string, patch: SessionPatch): Promise<Session>;
  /**
   * Deletes the session, its descendants and their messages and parts. Their goals are deleted too, each leaving
   * a `cleared` history row; goal history itself is kept.
   */
  deleteSession(id: string): Promise<DeletedSessions>;
}

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
 * Transcripts, on either database: every append takes the session's next `seq` (messages and parts each have
 * their own sequence), so writers in several processes still agree on one order.
 */
export interface MessageStore {
  appendMessage(input: NewMessage): Promise<StoredMessageWithParts>;
  updateMessage(id: string, patch: MessagePatch): Promise<StoredMessage>;
  /** Appends a part at the end of the session's transcript. */
  appendPart(messageID: string, data: PartData, options?: { id?: string }): Promise<StoredPart>;
  /** Appends a message's closing part and applies its patch in one transaction. */
  finishMessage(
    messageID: string,
    data: PartData,
    patch: MessagePatch,
  ): Promise<{ message: StoredMessage; part: StoredPart }>;
  /** Replaces a part's data; its type may not change. */
  updatePart(id: string, data: PartData): Promise<StoredPart>;
  getMessage(id: string): Promise<StoredMessageWithParts | undefined>;
  /** The session's messages in order, each with its parts in order; `afterSeq` reads only newer messages. */
  listMessages(sessionID: string, options?: { afterSeq?: number }): Promise<StoredMessageWithParts[]>;
}

/** The goal store as the runtime uses it: the core's port plus the spend the ceilings read. */
export type RuntimeGoalStore = GoalStore & SpendStore;

/** Webhook deliveries as the runtime makes them, and as people and tests read a session's. */
export type RuntimeWebhookDeliveryStore = WebhookDeliveryStore & {
  /** Every delivery of a session, oldest first. */
  ofSession(sessionID: string): Promise<WebhookDelivery[]>;
};

/** Every store the runtime needs, on SQLite (`openStore`) or PostgreSQL (`openPgStore`). */
export type Store = {
  /** Where the data lives, for people: a file path, or `host:port/database` (never a password). */
  readonly location: string;
  readonly goals: RuntimeGoalStore;
  readonly sessions: SessionStore;
  readonly messages: MessageStore;
  readonly webhookDeliveries: RuntimeWebhookDeliveryStore;
  readonly goalQueue: GoalQueueStore;
  /** Session leases, where replicas share the database (PostgreSQL); absent on SQLite, where one process drives. */
  readonly leases?: LeaseStore;
  /** Opens the channel replicas share events on, where they share the database (PostgreSQL). */
  openEvents?(origin: string, onError: (message: string) => void): Promise<EventChannel>;
  close(): Promise<void>;
};

/** A replica's hold on driving one session, until `expiresAt` (the database's clock) unless renewed. */
export type Lease = { sessionID: string; holder: string; token: number; expiresAt: number };

/** A session with a live goal that no replica holds a lease on: a replica died, or none took it yet. */
export type OrphanedSession = { sessionID: string; directory: string };

/** Session leases, for replicas sharing one database (PostgreSQL). */
export interface LeaseStore {
  /** Takes the lease when it is free, expired or already `holder`'s; undefined when another holds it. */
  acquire(sessionID: string, holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends the leases `holder` still holds among `sessionIDs`; those not returned are lost. */
  renew(holder: string, sessionIDs: readonly string[], ttlMs: number): Promise<Lease[]>;
  /** Lets the lease go at once (a replica shutting down), so another takes the session without waiting. */
  release(sessionID: string, holder: string): Promise<void>;
  /** Sessions with a live goal (active, waiting, or stopped by a spend ceiling) and no live lease. */
  orphaned(): Promise<OrphanedSession[]>;
}

/** Events shared between replicas of one database: each hears the others' (not its own), in the order sent. */
export interface EventChannel {
  publish(event: unknown): Promise<void>;
  subscribe(listener: (event: unknown) => void): () => void;
  close(): Promise<void>;
}
