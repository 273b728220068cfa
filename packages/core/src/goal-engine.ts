import { applyCommands, type Committed } from "./apply-commands.js";
import { type ContextMessage, goalRestoredMessage, goalSetMessage, objectiveEditedMessage } from "./context.js";
import { type ContinuationDecision, initialContinuationState, type SessionFacts } from "./continuation.js";
import { ContinuationGate } from "./continuation-gate.js";
import {
  DEFAULT_GOAL_POLICY,
  type GoalEngineOptions,
  type GoalInput,
  type GoalOutcome,
  type GoalPatch,
  type GoalPolicy,
  patchCommands,
} from "./engine-types.js";
import type { Goal } from "./goal.js";
import { GoalTurn } from "./goal-turn.js";
import type { GoalHistoryEntry } from "./history.js";
import { KeyedLock } from "./keyed-lock.js";
import type { AbortSignalLike, GoalStore } from "./ports.js";
import { err, ok, type Result } from "./result.js";
import { newSessionRuntime, type RunningTurn, type SessionRuntime } from "./session-runtime.js";
import { settleLeftovers } from "./step-reservations.js";
import type { GoalToolHost } from "./tool-execution.js";
import type { GoalCommand, GoalRefusal } from "./transition.js";
import { WaitWatch } from "./wait-watch.js";

/** A commit as callers of `apply` see it: the goal afterwards, or the refusal. */
const goalOf = (committed: Committed): Result<Goal | null, GoalRefusal> =>
  committed.ok ? ok(committed.value.goal) : committed;

/**
 * The goal engine hosts drive through a handful of calls. It owns the rules (via the pure transition
 * table, accounting and continuation policy) and talks to the world only through its ports; it never
 * starts timers or turns itself, it tells the host what to do.
 */
export class GoalEngine {
  private readonly policy: GoalPolicy;
  private readonly lock = new KeyedLock();
  private readonly sessions = new Map<string, SessionRuntime>();

  private readonly gate: ContinuationGate;
  private readonly waits: WaitWatch;
  /** What the goal tools of every turn ask of the engine. */
  private readonly toolHost: GoalToolHost;

  constructor(private readonly options: GoalEngineOptions) {
    this.policy = { ...DEFAULT_GOAL_POLICY, ...options.policy };
    // What the runtime's own decisions (continuations, waits) need of the engine.
    const runtimeSide = {
      lock: this.lock,
      store: options.store,
      now: () => this.now(),
      policy: this.policy,
      memory: (sessionID: string) => this.sessionState(sessionID),
      ceilings: options.ceilings,
      applyInLock: async (sessionID: string, commands: GoalCommand[]) =>
        goalOf(await this.commit(sessionID, commands, "runtime")),
    };
    this.gate = new ContinuationGate({ ...runtimeSide, events: options.events });
    this.waits = new WaitWatch({ ...runtimeSide, checks: options.waitChecks });
    this.toolHost = {
      defaultLimits: options.defaultLimits ?? {},
      verifier: options.verify,
      waitPolicy: this.policy,
      now: () => this.now(),
      commandDenied: async (sessionID, command) => options.commandDenied?.(sessionID, command),
      getGoal: (sessionID) => this.getGoal(sessionID),
      createGoal: (sessionID, input, actor) => this.createGoal(sessionID, input, actor),
      apply: (sessionID, commands, actor) => this.apply(sessionID, commands, actor),
    };
  }

  private get store(): GoalStore {
    return this.options.store;
  }

  private now(): number {
    return this.options.clock.now();
  }

  /** The in-memory state the engine keeps for a session (created on first use). */
  private sessionState(sessionID: string): SessionRuntime {
    let runtime = this.sessions.get(sessionID);
    if (!runtime) {
      runtime = newSessionRuntime();
      this.sessions.set(sessionID, runtime);
    }
    return runtime;
  }

  getGoal(sessionID: string): Promise<Goal | undefined> {
    return this.store.get(sessionID);
  }

  listGoals(filter?: { status?: Goal["status"] }): Promise<Goal[]> {
    return this.store.list(filter);
  }

  history(sessionID: string): Promise<GoalHistoryEntry[]> {
    return this.store.history(sessionID);
  }

  /**
   * Applies commands in order inside one store transaction, under the session's lock; any refusal leaves
   * everything unchanged. Emits the matching event once the change is committed.
   */
  apply(
    sessionID: string,
    commands: readonly GoalCommand[],
    actor: "user" | "model" | "runtime",
  ): Promise<Result<Goal | null, GoalRefusal>> {
    return this.lock.run(sessionID, async () => goalOf(await this.commit(sessionID, commands, actor)));
  }

  /**
   * Commits commands in one store transaction (the caller holds the session's lock), returning the history rows
   * written too; see `applyCommands` for `onlyGoalID`.
   */
  private async commit(
    sessionID: string,
    commands: readonly GoalCommand[],
    actor: "user" | "model" | "runtime",
    onlyGoalID?: string,
  ): Promise<Committed> {
    const now = this.now();
    const outcome = await this.store.update<Committed>(sessionID, (current, charged) =>
      applyCommands(current, charged, commands, actor, now, onlyGoalID),
    );
    if (outcome.ok && outcome.value.history.length > 0) {
      this.announce(sessionID, outcome.value.goal);
      this.options.onCommitted?.(sessionID, { goal: outcome.value.goal, history: outcome.value.history });
    }
    return outcome;
  }

  /** A dollar limit being set on a session whose model the host cannot price: refused, since never enforced. */
  private async unpricedCostLimit(sessionID: string, limits: unknown): Promise<GoalRefusal | undefined> {
    if (typeof limits !== "object" || limits === null || !("costUSD" in limits)) return undefined;
    if (typeof limits.costUSD !== "number") return undefined;
    const why = await this.options.pricing?.unpriced(sessionID);
    if (why === undefined) return undefined;
    return { code: "invalid", field: "limits.costUSD", message: `a dollar limit cannot be enforced: ${why}` };
  }

  /** A person's resume of a goal a spend ceiling stopped: refused while that ceiling leaves no room for a step. */
  private async ceilingStillReached(goal: Goal | undefined): Promise<GoalRefusal | undefined> {
    if (goal?.status !== "budget_limited" || !goal.ceiling) return undefined;
    const room = await this.options.ceilings?.blocking(goal.sessionID, {}, this.policy.wrapUpMaxOutputTokens);
    if (!room) return undefined;
    const { window, unit, resetsAt } = room.hit;
    const amount = (value: number) => (unit === "tokens" ? `${Math.round(value)} tokens` : `$${value.toFixed(2)}`);
    return {
      code: "conflict",
      field: `spendCeilings.${window}.${unit}`,
      message: `the ${window} spend ceiling is reached (${amount(room.used)} of ${amount(room.allowed)}); the goal goes on by itself when it turns over at ${new Date(resetsAt).toISOString()}, or raise the ceiling`,
    };
  }

  private announce(sessionID: string, goal: Goal | null): void {
    if (goal === null) this.options.events?.emit({ type: "session.goal.cleared", properties: { sessionID } });
    else this.options.events?.emit({ type: "session.goal.updated", properties: { sessionID, goal } });
  }

  // ---- what people (HTTP API, CLI, TUI) ask ----

  async createGoal(
    sessionID: string,
    input: GoalInput,
    actor: "user" | "model" = "user",
  ): Promise<Result<GoalOutcome, GoalRefusal>> {
    return this.lock.run(sessionID, async () => {
      const limits = input.limits ?? this.options.defaultLimits;
      const unpriced = await this.unpricedCostLimit(sessionID, limits);
      if (unpriced) return err(unpriced);
      const command: GoalCommand = {
        ...input,
        type: "create",
        id: this.options.ids.next("goal"),
        sessionID,
        limits,
      };
      const result = goalOf(await this.commit(sessionID, [command], actor));
      if (!result.ok) return result;
      const goal = result.value as Goal;
      // A new goal starts with fresh streaks; a turn already running works for it from now on.
      const turn = this.sessionState(sessionID).turn;
      this.sessions.set(sessionID, { ...newSessionRuntime(), turn });
      if (turn) {
        turn.goalID = goal.id;
        turn.goalSetDuring = true;
      }
      return ok({ goal, append: [goalSetMessage(goal)] });
    });
  }

  async updateGoal(sessionID: string, patch: GoalPatch): Promise<Result<GoalOutcome, GoalRefusal>> {
    return this.lock.run(sessionID, async () => {
      const before = await this.store.get(sessionID);
      const unpriced = await this.unpricedCostLimit(sessionID, patch.limits);
      if (unpriced) return err(unpriced);
      const ceiling = patch.status === "active" ? await this.ceilingStillReached(before) : undefined;
      if (ceiling) return err(ceiling);
      const commands = patchCommands(patch);
      if (commands.length === 0) {
        return before
          ? ok({ goal: before, append: [] })
          : err({ code: "not_found" as const, message: "this session has no goal" });
      }
      const result = goalOf(await this.commit(sessionID, commands, "user"));
      if (!result.ok) return result;
      const goal = result.value as Goal;
      // A person touched the goal: stall and error streaks start over.
      if (goal.status === "active" && before?.status !== "active")
        this.sessionState(sessionID).continuation = initialContinuationState();
      const append = before && goal.objective !== before.objective ? [objectiveEditedMessage(goal)] : [];
      return ok({ goal, append });
    });
  }

  async clearGoal(sessionID: string): Promise<Result<{ cleared: true }, GoalRefusal>> {
    return this.lock.run(sessionID, async () => {
      const result = goalOf(await this.commit(sessionID, [{ type: "clear" }], "user"));
      if (!result.ok) return result;
      const turn = this.sessionState(sessionID).turn;
      this.sessions.set(sessionID, {
        ...newSessionRuntime(),
        ...(turn ? { turn: { ...turn, goalID: undefined } } : {}),
      });
      return ok({ cleared: true as const });
    });
  }

  // ---- what hosts ask ----

  /**
   * A turn of the session starts: it works for the goal active now (or one the model creates during it) and
   * is how the host reports the turn's steps, goal tools and end. See `GoalTurn`.
   */
  beginTurn(sessionID: string, turn: { turnID: string; continuation: boolean }): Promise<GoalTurn> {
    return this.lock.run(sessionID, async () => {
      const goal = await this.store.get(sessionID);
      const running: RunningTurn = {
        id: turn.turnID,
        continuation: turn.continuation,
        startedAt: this.now(),
        ...(goal?.status === "active" ? { goalID: goal.id } : {}),
        results: [],
        limitCrossed: false,
        wrapUpUsed: false,
      };
      this.sessionState(sessionID).turn = running;
      return new GoalTurn(
        {
          sessionID,
          store: this.store,
          lock: this.lock,
          now: () => this.now(),
          policy: this.policy,
          commit: (commands, actor, onlyGoalID) => this.commit(sessionID, commands, actor, onlyGoalID),
          memory: () => this.sessionState(sessionID),
          tools: this.toolHost,
          ceilings: this.options.ceilings,
        },
        running,
      );
    });
  }

  /**
   * The host compacted the session's history: the goal context the model needs again (objective, status,
   * usage), or nothing when no goal is active.
   */
  async compacted(sessionID: string, compaction: { summarised: boolean }): Promise<ContextMessage[]> {
    const goal = await this.store.get(sessionID);
    return goal?.status === "active" ? [goalRestoredMessage(goal, compaction)] : [];
  }

  /** A person aborted the session: an active goal pauses, so nothing continues behind their back. */
  async aborted(sessionID: string): Promise<Goal | undefined> {
    const result = await this.apply(sessionID, [{ type: "pause", reason: "aborted by the user" }], "runtime");
    return result.ok && result.value ? result.value : undefined;
  }

  /**
   * The session went idle: decide what comes next. Stall and error limits are applied here (the goal is
   * paused or blocked); a `continue` decision tells the host when to call `startContinuation`.
   */
  sessionIdle(sessionID: string, facts: SessionFacts): Promise<ContinuationDecision> {
    return this.gate.sessionIdle(sessionID, facts);
  }

  /**
   * Starts a continuation if it is still due: reads the goal and the session's facts and calls `start`
   * under the session lock, so a pause, clear or user message that races with it wins. `start` must mark
   * the session busy before it returns.
   */
  startContinuation(
    sessionID: string,
    host: { facts: () => SessionFacts; start: (message: ContextMessage, goal: Goal) => void },
  ): Promise<{ started: true; goal: Goal } | { started: false; decision: ContinuationDecision }> {
    return this.gate.startContinuation(sessionID, host);
  }

  /**
   * A continuation the engine allowed never became a turn (the host could not start it, e.g. its prompt
   * request failed): it counts as a failed turn, so it is retried with backoff and blocks the goal after
   * the policy's number of failures in a row, instead of leaving an active goal with nothing scheduled.
   */
  continuationNotStarted(sessionID: string, error: string): Promise<void> {
    return this.gate.continuationNotStarted(sessionID, error);
  }

  /**
   * A waiting goal's alarm rang (the time `sessionIdle` named as `waiting`): its check runs (no model call) or it
   * wakes when its time has come. Returns the goal afterwards: active when it woke, so the host continues it.
   */
  waitAlarm(sessionID: string, signal?: AbortSignalLike): Promise<Goal | undefined> {
    return this.waits.alarm(sessionID, signal);
  }

  /** A turn stopped on a question or a permission request to a person: an active goal shows it waits for them. */
  async waitingOnPerson(sessionID: string, asked: string): Promise<Goal | undefined> {
    const request = { kind: "person" as const, reason: `needs input: ${asked.trim() || "a person's answer"}` };
    const result = await this.apply(sessionID, [{ type: "wait", request, policy: this.policy }], "runtime");
    return result.ok ? (result.value ?? undefined) : undefined;
  }

  /** The person answered: a goal waiting on them is active again. */
  async personAnswered(sessionID: string): Promise<Goal | undefined> {
    const result = await this.apply(sessionID, [{ type: "wake", answered: true }], "runtime");
    return result.ok ? (result.value ?? undefined) : undefined;
  }

  /**
   * After a restart: steps a dead process reserved but never charged are charged (estimated, never twice);
   * then the live goals (active or waiting) of sessions not yet known here, to be offered a continuation or
   * to have their waits watched again. `sessions` narrows both to those sessions (a replica recovers only the
   * sessions it just took the lease of: the others' reservations are live elsewhere).
   */
  async recover(sessions?: readonly string[]): Promise<Goal[]> {
    const mine = (sessionID: string) => sessions === undefined || sessions.includes(sessionID);
    await settleLeftovers({
      store: this.store,
      lock: this.lock,
      // Sessions whose turn started here already, or another process drives: their reservations are live.
      busy: (sessionID) => !mine(sessionID) || this.sessions.get(sessionID)?.turn !== undefined,
      commit: (sessionID, command, goalID) => this.commit(sessionID, [command], "runtime", goalID),
    });
    const live = sessions
      ? (await Promise.all(sessions.map((sessionID) => this.store.get(sessionID)))).filter(
          (goal): goal is Goal => goal !== undefined && goesOnByItself(goal),
        )
      : [
          ...(await this.store.list({ status: "active" })),
          ...(await this.store.list({ status: "waiting" })),
          ...(await this.store.list({ status: "budget_limited" })).filter(goesOnByItself),
        ];
    // Only sessions this engine has not seen yet: a turn that started before recovery keeps its state.
    const recovered = live.filter((goal) => mine(goal.sessionID) && !this.sessions.has(goal.sessionID));
    for (const goal of recovered) this.sessions.set(goal.sessionID, newSessionRuntime());
    return recovered;
  }

  /** Drops the in-memory state of a session (deleted, or its host is gone). */
  forget(sessionID: string): void {
    this.sessions.delete(sessionID);
  }
}

/**
 * A goal that continues without anyone acting: active, waiting, or stopped by a spend ceiling (it goes on when the
 * ceiling's window turns over, or at once when it was raised meanwhile).
 */
function goesOnByItself(goal: Goal): boolean {
  return (
    goal.status === "active" ||
    goal.status === "waiting" ||
    (goal.status === "budget_limited" && goal.ceiling !== undefined)
  );
}
