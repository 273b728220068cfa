import {
  applyQueueCommand,
  type Clock,
  type Goal,
  type GoalChange,
  type GoalQueueStore,
  type GoalRefusal,
  isUnfinished,
  type QueuedGoal,
  type QueuedGoalInput,
  type Result,
  startsNextQueued,
} from "@pursuit/core";

export type GoalQueueRunnerOptions = {
  store: GoalQueueStore;
  ids: () => string;
  clock?: Clock;
  /** The session's goal now. */
  current: (sessionID: string) => Promise<Goal | undefined>;
  /** Sets a queued goal as the session's goal, as a person's new goal is set (context appended, work started). */
  start: (sessionID: string, input: QueuedGoalInput) => Promise<Result<Goal, GoalRefusal>>;
  onError?: (message: string) => void;
};

/**
 * A session's queue of next goals, the same in every host: a person adds, reorders and drops queued goals; when
 * the session's goal completes, the next one starts at once (through `onCommitted`, the engine's hook); any other
 * stop leaves the queue for a person. Adding to a session with no unfinished goal starts it at once.
 */
export class GoalQueueRunner {
  private readonly clock: Clock;
  private readonly starting = new Set<Promise<void>>();
  /** Sessions whose next goal is being started (from the completion's commit until it is set or refused). */
  private readonly advancingSessions = new Set<string>();

  constructor(private readonly options: GoalQueueRunnerOptions) {
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  list(sessionID: string): Promise<QueuedGoal[]> {
    return this.options.store.list(sessionID);
  }

  async add(sessionID: string, input: unknown): Promise<Result<QueuedGoal[], GoalRefusal>> {
    const id = this.options.ids();
    return this.change(sessionID, { type: "add", id, input, now: this.clock.now() });
  }

  order(sessionID: string, ids: readonly string[]): Promise<Result<QueuedGoal[], GoalRefusal>> {
    return this.change(sessionID, { type: "order", ids });
  }

  drop(sessionID: string, id: string): Promise<Result<QueuedGoal[], GoalRefusal>> {
    return this.change(sessionID, { type: "drop", id });
  }

  /** The engine's `onCommitted`: a completed goal makes way for the next, on a later tick. */
  readonly onCommitted = (sessionID: string, change: GoalChange): void => {
    if (!startsNextQueued(change.goal, change.history)) return;
    this.advancingSessions.add(sessionID);
    const starting = Promise.resolve()
      .then(() => this.startNext(sessionID))
      .catch((error) => this.options.onError?.(`the next queued goal could not start: ${String(error)}`))
      .finally(() => this.advancingSessions.delete(sessionID));
    this.starting.add(starting);
    void starting.finally(() => this.starting.delete(starting));
  };

  /** Whether the session's next queued goal is being started: its completed goal is not the end yet. */
  advancing(sessionID: string): boolean {
    return this.advancingSessions.has(sessionID);
  }

  /** Waits for next goals being started (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.starting]);
  }

  private async change(
    sessionID: string,
    command: Parameters<typeof applyQueueCommand>[2],
  ): Promise<Result<QueuedGoal[], GoalRefusal>> {
    const result = await this.options.store.update<Result<QueuedGoal[], GoalRefusal>>(sessionID, (queue) => {
      const next = applyQueueCommand(sessionID, queue, command, "user");
      return next.ok ? { queue: next.value, result: next } : { result: next };
    });
    if (result.ok && command.type === "add") await this.startNext(sessionID);
    return result.ok ? { ok: true, value: await this.list(sessionID) } : result;
  }

  /** Takes the next queued goal off the queue and sets it, when the session has no unfinished goal. */
  private async startNext(sessionID: string): Promise<void> {
    const goal = await this.options.current(sessionID);
    if (goal && isUnfinished(goal)) return;
    const next = await this.options.store.update(sessionID, (queue) => ({ queue: queue.slice(1), result: queue[0] }));
    if (!next) return;
    const started = await this.options.start(sessionID, next.input);
    if (!started.ok)
      this.options.onError?.(
        `queued goal "${next.input.objective}" of session ${sessionID} was refused: ${started.error.message}`,
      );
  }
}
