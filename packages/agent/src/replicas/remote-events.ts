import type { Goal } from "@pursuit/core";
import type { Store } from "@pursuit/store";
import type { EventBus, MessageWithParts, RuntimeEvent } from "../events.js";

/** The sessions a replica drives, as another replica's events reach them. */
export interface DrivenSessions {
  holds(sessionID: string): boolean;
  goalChanged(sessionID: string, goal: Goal | null): Promise<void>;
  promptStored(sessionID: string): Promise<void>;
}

/**
 * What another replica took in for a session this one drives: a person's goal change (a pause wins any race with
 * a continuation here, as the goal row is read under its lock before each step) or a person's prompt, which a
 * turn here answers. Events of sessions other replicas drive only reach this replica's event stream.
 */
export async function actOnRemoteEvent(event: RuntimeEvent, sessions: DrivenSessions): Promise<void> {
  switch (event.type) {
    case "session.goal.updated":
      if (sessions.holds(event.properties.sessionID)) {
        await sessions.goalChanged(event.properties.sessionID, event.properties.goal);
      }
      return;
    case "session.goal.cleared":
      if (sessions.holds(event.properties.sessionID)) await sessions.goalChanged(event.properties.sessionID, null);
      return;
    case "message.updated": {
      const { info } = event.properties;
      if (info.role === "user" && !info.data.synthetic && sessions.holds(info.sessionID)) {
        await sessions.promptStored(info.sessionID);
      }
      return;
    }
    default:
      return;
  }
}

/**
 * The answer to a prompt another replica's turn gives: the session's last assistant message once that replica
 * reports the session idle (its events reach this one's bus).
 */
export function answeredElsewhere(
  bus: EventBus,
  store: Pick<Store, "messages">,
  sessionID: string,
): Promise<MessageWithParts | undefined> {
  return new Promise((resolve) => {
    const stop = bus.subscribe((event) => {
      if (event.type !== "session.idle" || event.properties.sessionID !== sessionID) return;
      stop();
      store.messages.listMessages(sessionID).then(
        (messages) => resolve(messages.findLast((message) => message.role === "assistant")),
        () => resolve(undefined),
      );
    });
  });
}
