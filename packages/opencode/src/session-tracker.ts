import type { ContextMessage } from "@pursuit/core";

/** What the plugin knows about one OpenCode session, learnt from its events. */
export type TrackedSession = {
  busy: boolean;
  /** The next turn to start is one the plugin prompted (a continuation). */
  continuationPrompted: boolean;
  turn?: { id: string; continuation: boolean; failure?: TurnFailure };
  /** Permission requests and questions waiting on a person. */
  pendingRequests: Set<string>;
  /** Goal context waiting to ride on the next prompt (goal set, objective edited, budget notice). */
  pendingContext: ContextMessage[];
  /** Tool parts already reported, so repeated part events count once. */
  reportedTools: Set<string>;
  /** The plugin itself aborted the turn to enforce a limit: not a person's abort. */
  stoppingForLimit: boolean;
  timer?: ReturnType<typeof setTimeout>;
};

export type TurnFailure = { kind: "aborted" } | { kind: "error"; message: string; retryAfterMs?: number };

export class SessionTracker {
  private readonly sessions = new Map<string, TrackedSession>();

  get(sessionID: string): TrackedSession {
    let session = this.sessions.get(sessionID);
    if (!session) {
      session = {
        busy: false,
        continuationPrompted: false,
        pendingRequests: new Set(),
        pendingContext: [],
        reportedTools: new Set(),
        stoppingForLimit: false,
      };
      this.sessions.set(sessionID, session);
    }
    return session;
  }

  cancelTimer(sessionID: string): void {
    const session = this.sessions.get(sessionID);
    if (session?.timer) clearTimeout(session.timer);
    if (session) session.timer = undefined;
  }

  /** Takes the pending goal context out, joined as one text block. */
  takeContext(sessionID: string): string[] {
    const session = this.get(sessionID);
    const texts = session.pendingContext.map((message) => message.text);
    session.pendingContext = [];
    return texts;
  }

  all(): IterableIterator<[string, TrackedSession]> {
    return this.sessions.entries();
  }

  forget(sessionID: string): void {
    this.cancelTimer(sessionID);
    this.sessions.delete(sessionID);
  }
}
