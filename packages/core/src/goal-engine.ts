import { type ModelPrices, turnCharge } from "./accounting.js";
import { applyCommands, type Committed } from "./apply-commands.js";
import {
  budgetNoticeMessage,
  type ContextMessage,
  goalRestoredMessage,
  goalSetMessage,
  objectiveEditedMessage,
} from "./context.js";
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
  type StepAllowance,
  type StepReport,
  type TurnEnd,
} from "./engine-types.js";
import type { Goal, GoalLimits } from "./goal.js";
import type { GoalHistoryEntry } from "./history.js";
import { KeyedLock } from "./keyed-lock.js";
import type { AbortSignalLike, GoalStore } from "./ports.js";
import type { ToolResultFact } from "./progress.js";
import { err, ok, type Result } from "./result.js";
import { afterTurn, newSessionRuntime, type SessionRuntime } from "./session-runtime.js";
import { type Charged, StepAccounting } from "./step-accounting.js";
import { limitBeforeStep, stepAllowance } from "./step-allowance.js";
import { executeGoalTool, type GoalToolOutcome } from "./tool-execution.js";
import type { GoalCommand, GoalRefusal } from "./transition.js";

/**
 * The goal engine hosts drive through a handful of calls. It owns the rules (via the pure transition
 * table, accounting and continuation policy) and talks to the world only through its ports; it never
 * starts timers or turns itself, it tells the host what to do.
 */
export class GoalEngine {
  readonly policy: GoalPolicy;
  private readonly lock = new KeyedLock();
  private readonly sessions = new Map<string, SessionRuntime>();

  private readonly gate: ContinuationGate;
  private readonly steps: StepAccounting;

  constructor(private readonly options: GoalEngineOptions) {
    this.policy = { ...DEFAULT_GOAL_POLICY, ...options.policy };
    this.gate = new ContinuationGate({
      lock: this.lock,
      store: options.store,
      now: () => this.now(),
      policy: this.policy,
      events: options.events,
      memory: (sessionID) => this.sessionState(sessionID),
      applyInLock: (sessionID, commands) => this.applyInLock(sessionID, commands, "runtime"),
    });
    this.steps = new StepAccounting({
      store: () => this.store,
      now: () => this.now(),
      lock: this.lock,
      turn: (sessionID) => this.sessionState(sessionID).turn,
      commit: (sessionID, commands, goalID) => this.commit(sessionID, commands, "runtime", goalID),
    });
  }

  /** Limits new goals get when they name none (from configuration). */
  get defaultLimits(): GoalLimits {
    return this.options.defaultLimits ?? {};
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
    return this.lock.run(sessionID, () => this.applyInLock(sessionID, commands, actor));
  }

  /** `apply` for callers already holding the session's lock. */
  private async applyInLock(
    sessionID: string,
    commands: readonly GoalCommand[],
    actor: "user" | "model" | "runtime",
  ): Promise<Result<Goal | null, GoalRefusal>> {
    const outcome = await this.commit(sessionID, commands, actor);
    return outcome.ok ? ok(outcome.value.goal) : outcome;
  }

  /** `applyInLock`, also returning the history rows written; see `applyCommands` for `onlyGoalID`. */
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
    if (outcome.ok && outcome.value.history.length > 0) this.announce(sessionID, outcome.value.goal);
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
        type: "create",
        id: this.options.ids.next("goal"),
        sessionID,
        objective: input.objective,
        limits,
        verify: input.verify,
      };
      const result = await this.applyInLock(sessionID, [command], actor);
      if (!result.ok) return result;
      const goal = result.value as Goal;
      // A new goal starts with fresh streaks; a turn already running works for it from now on.
      const turn = this.sessionState(sessionID).turn;
      this.sessions.set(sessionID, { ...newSessionRuntime(), turn });
      if (turn) turn.goalID = goal.id;
      return ok({ goal, append: [goalSetMessage(goal)] });
    });
  }

  async updateGoal(sessionID: string, patch: GoalPatch): Promise<Result<GoalOutcome, GoalRefusal>> {
    return this.lock.run(sessionID, async () => {
      const before = await this.store.get(sessionID);
      const unpriced = await this.unpricedCostLimit(sessionID, patch.limits);
      if (unpriced) return err(unpriced);
      const commands = patchCommands(patch);
      if (commands.length === 0) {
        return before
          ? ok({ goal: before, append: [] })
          : err({ code: "not_found" as const, message: "this session has no goal" });
      }
      const result = await this.applyInLock(sessionID, commands, "user");
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
      const result = await this.applyInLock(sessionID, [{ type: "clear" }], "user");
      if (!result.ok) return result;
      const turn = this.sessionState(sessionID).turn;
      this.sessions.set(sessionID, {
        ...newSessionRuntime(),
        ...(turn ? { turn: { ...turn, goalID: undefined } } : {}),
      });
      return ok({ cleared: true as const });
    });
  }

  // ---- what the model asks, through its tools ----

  /** The signal is the turn's: aborting it stops a verify command the tool runs. */
  executeTool(
    sessionID: string,
    name: string,
    args: unknown,
    options: { signal?: AbortSignalLike } = {},
  ): Promise<GoalToolOutcome> {
    return executeGoalTool(this, this.options.verify, sessionID, name, args, options);
  }

  /** Called by tool execution when the model created a goal: the running turn now works for it. */
  adoptGoalInTurn(sessionID: string, goalID: string): void {
    const turn = this.sessionState(sessionID).turn;
    if (turn) turn.goalID = goalID;
  }

  // ---- what the host loop reports ----

  async turnStarted(
    sessionID: string,
    turn: { turnID: string; continuation: boolean },
  ): Promise<{ goalTurn: boolean }> {
    return this.lock.run(sessionID, () => this.turnStartedInLock(sessionID, turn));
  }

  private async turnStartedInLock(
    sessionID: string,
    turn: { turnID: string; continuation: boolean },
  ): Promise<{ goalTurn: boolean }> {
    const goal = await this.store.get(sessionID);
    const goalID = goal?.status === "active" ? goal.id : undefined;
    this.sessionState(sessionID).turn = {
      id: turn.turnID,
      continuation: turn.continuation,
      startedAt: this.now(),
      ...(goalID ? { goalID } : {}),
      results: [],
      limitCrossed: false,
      wrapUpUsed: false,
    };
    return { goalTurn: goalID !== undefined };
  }

  /**
   * Before each model step: no step starts once a limit is reached (except one short wrap-up step right
   * after the crossing), and the step's output is capped by the tokens left. `estimatedInputTokens` is the
   * host's estimate of the step's uncharged-by-cache input, reserved out of that cap to bound overshoot;
   * when it leaves less room than a wrap-up step's cap, the token limit counts as reached now.
   */
  beforeStep(sessionID: string, estimate: { estimatedInputTokens?: number } = {}): Promise<StepAllowance> {
    return this.lock.run(sessionID, () => this.beforeStepInLock(sessionID, estimate));
  }

  private async beforeStepInLock(
    sessionID: string,
    estimate: { estimatedInputTokens?: number },
  ): Promise<StepAllowance> {
    const runtime = this.sessionState(sessionID);
    const turn = runtime.turn;
    if (!turn?.goalID) return { kind: "run" };
    let goal = await this.store.get(sessionID);
    if (!goal || goal.id !== turn.goalID) {
      return turn.continuation ? { kind: "stop", reason: "the goal was cleared" } : { kind: "run" };
    }
    const elapsed = (this.now() - turn.startedAt) / 1000;
    const estimated = Math.max(0, estimate.estimatedInputTokens ?? 0);
    let notice: ContextMessage[] = [];
    const limit = limitBeforeStep(goal, elapsed, estimated, this.policy);
    if (limit) {
      const limited = await this.applyInLock(sessionID, [{ type: "limit", limit }], "runtime");
      if (limited.ok && limited.value) goal = limited.value;
      turn.limitCrossed = true;
      notice = [budgetNoticeMessage(goal, limit, limit === "seconds" ? elapsed : 0)];
    }
    const allowance = stepAllowance(goal, turn, this.policy, estimated, notice);
    if (allowance.kind === "wrap_up") turn.wrapUpUsed = true;
    return allowance;
  }

  // ---- step accounting (see StepAccounting) ----

  /** Charges one step (idempotent by step id) and returns the budget notice when this step crossed a limit. */
  stepFinished(sessionID: string, step: StepReport): Promise<Charged> {
    return this.steps.finished(sessionID, step);
  }

  /** Before a goal turn's step is sent: its estimated input is reserved, charged if the process dies. */
  reserveStep(sessionID: string, step: { stepID: string; estimatedInputTokens: number }): Promise<void> {
    return this.steps.reserve(sessionID, step);
  }

  /** A reserved step that ended without usage to charge (failed, aborted before any output). */
  releaseStep(sessionID: string, step: { stepID: string }): Promise<void> {
    return this.steps.release(sessionID, step);
  }

  /** A reserved step whose stream broke off mid-answer: its estimate is charged, once. */
  stepCut(
    sessionID: string,
    step: { stepID: string; estimatedInputTokens: number; outputTokens: number; prices?: ModelPrices },
  ): Promise<Charged> {
    return this.steps.cut(sessionID, step);
  }

  /** While a reserved step streams: the output so far, estimated. */
  checkpointStep(sessionID: string, step: { stepID: string; outputTokens: number }): Promise<void> {
    return this.steps.checkpoint(sessionID, step);
  }

  /**
   * The host compacted the session's history: the goal context the model needs again (objective, status,
   * usage), or nothing when no goal is active.
   */
  async compacted(sessionID: string, compaction: { summarised: boolean }): Promise<ContextMessage[]> {
    const goal = await this.store.get(sessionID);
    return goal?.status === "active" ? [goalRestoredMessage(goal, compaction)] : [];
  }

  /** The turn's finished tool calls, which judge its progress (in memory only: nothing to lock). */
  recordToolResults(sessionID: string, results: readonly ToolResultFact[]): void {
    this.sessionState(sessionID).turn?.results.push(...results);
  }

  /** Charges the turn (one turn, its busy seconds), judges progress and remembers the outcome. */
  turnEnded(sessionID: string, end: TurnEnd): Promise<{ goal?: Goal; append: ContextMessage[] }> {
    return this.lock.run(sessionID, () => this.turnEndedInLock(sessionID, end));
  }

  private async turnEndedInLock(sessionID: string, end: TurnEnd): Promise<{ goal?: Goal; append: ContextMessage[] }> {
    const runtime = this.sessionState(sessionID);
    const turn = runtime.turn;
    runtime.turn = undefined;
    if (!turn) return { append: [] };
    const now = this.now();
    let charged: { goal?: Goal; append: ContextMessage[] } = { append: [] };
    if (turn.goalID) {
      const seconds = Math.max(0, now - turn.startedAt) / 1000;
      const command = { type: "charge" as const, key: `turn:${turn.id}`, charge: turnCharge(seconds) };
      charged = await this.steps.charge(sessionID, turn.goalID, command);
    }
    Object.assign(runtime, afterTurn(runtime, turn, end, now, this.policy.progressWindowTurns));
    if (end.blocked !== undefined && turn.goalID) {
      const blocked = await this.applyInLock(sessionID, [{ type: "block", reason: end.blocked }], "runtime");
      if (blocked.ok && blocked.value) return { goal: blocked.value, append: charged.append };
    }
    if (end.outcome === "aborted") {
      const paused = await this.pauseForAbort(sessionID);
      return { ...(paused ? { goal: paused } : charged.goal ? { goal: charged.goal } : {}), append: charged.append };
    }
    return charged;
  }

  /** A person aborted the session: an active goal pauses, so nothing continues behind their back. */
  aborted(sessionID: string): Promise<Goal | undefined> {
    return this.lock.run(sessionID, () => this.pauseForAbort(sessionID));
  }

  private async pauseForAbort(sessionID: string): Promise<Goal | undefined> {
    const result = await this.applyInLock(sessionID, [{ type: "pause", reason: "aborted by the user" }], "runtime");
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
   * After a restart: steps a dead process reserved but never charged are charged (estimated, never twice);
   * then the active goals of sessions not yet known here, to be offered a continuation.
   */
  async recover(): Promise<Goal[]> {
    await this.steps.settleLeftovers((sessionID) => this.sessions.get(sessionID)?.turn !== undefined);
    const active = await this.store.list({ status: "active" });
    // Only sessions this engine has not seen yet: a turn that started before recovery keeps its state.
    const recovered = active.filter((goal) => !this.sessions.has(goal.sessionID));
    for (const goal of recovered) this.sessions.set(goal.sessionID, newSessionRuntime());
    return recovered;
  }

  /** Drops the in-memory state of a session (deleted, or its host is gone). */
  forget(sessionID: string): void {
    this.sessions.delete(sessionID);
  }
}
