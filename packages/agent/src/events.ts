import type { GoalEvent, GoalEventSink } from "@pursuit/core";
import type { Session, StoredMessage, StoredMessageWithParts, StoredPart } from "@pursuit/store";

export type { Session };
export type Message = StoredMessage;
export type Part = StoredPart;
export type MessageWithParts = StoredMessageWithParts;

/** Only non-idle sessions are listed by `Runtime.status()`, like OpenCode. */
export type SessionStatus =
  | { type: "idle" }
  | { type: "busy" }
  /** Waiting to retry after a failed turn: `attempt` failures so far, `next` is when (epoch ms). */
  | { type: "retry"; attempt: number; message: string; next: number };

/** One event union for everything the runtime does, serialised as-is by the server's SSE stream. */
export type RuntimeEvent =
  | { type: "session.created" | "session.updated"; properties: { info: Session } }
  | { type: "session.deleted"; properties: { info: Session } }
  | { type: "session.status"; properties: { sessionID: string; status: SessionStatus } }
  | { type: "session.idle"; properties: { sessionID: string } }
  | { type: "session.error"; properties: { sessionID: string; error: { name: string; message: string } } }
  /** The model's view of the session was compacted (people keep every message); token counts are estimates. */
  | {
      type: "session.compacted";
      properties: {
        sessionID: string;
        reason: "threshold" | "too_long";
        summarised: boolean;
        tokensBefore: number;
        tokensAfter: number;
      };
    }
  | { type: "message.updated"; properties: { info: Message } }
  /** `delta` carries the text appended since the previous update of a streaming text or reasoning part. */
  | { type: "message.part.updated"; properties: { part: Part; delta?: string } }
  | GoalEvent;

export type RuntimeEventListener = (event: RuntimeEvent) => void;

/**
 * Delivers events synchronously, in the order they happen, to every listener. A listener that throws is
 * reported on stderr and does not stop the others (nor the runtime).
 */
export class EventBus implements GoalEventSink {
  private listeners: RuntimeEventListener[] = [];

  subscribe(listener: RuntimeEventListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((entry) => entry !== listener);
    };
  }

  emit(event: RuntimeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error(`pursuit: an event listener failed on ${event.type}:`, error);
      }
    }
  }
}
