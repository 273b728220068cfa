/** Compactions in a row, without a tool finishing between them, after which the goal pauses. */
export const MAX_COMPACTIONS_WITHOUT_PROGRESS = 3;

/**
 * OpenCode compacts a session by itself and has no guard against compacting forever (a summary that does not
 * shrink the context). This counts compactions between finished tool calls, per session.
 */
export class CompactionWatch {
  private readonly streaks = new Map<string, number>();

  constructor(private readonly limit = MAX_COMPACTIONS_WITHOUT_PROGRESS) {}

  /** A compaction happened; true when it is one too many without work between them. */
  compacted(sessionID: string): boolean {
    const streak = (this.streaks.get(sessionID) ?? 0) + 1;
    this.streaks.set(sessionID, streak);
    return streak >= this.limit;
  }

  /** A tool finished: the session does work between compactions. */
  worked(sessionID: string): void {
    this.streaks.delete(sessionID);
  }

  /** How many compactions in a row so far. */
  streak(sessionID: string): number {
    return this.streaks.get(sessionID) ?? 0;
  }

  forget(sessionID: string): void {
    this.streaks.delete(sessionID);
  }
}
