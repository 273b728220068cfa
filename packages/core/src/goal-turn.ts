import type { ModelPrices } from "./accounting.js";
import { turnCharge } from "./accounting.js";
import type { Committed } from "./apply-commands.js";
import type { CeilingGuard } from "./ceiling-guard.js";
import { budgetNoticeMessage, type ContextMessage, ceilingNoticeMessage } from "./context.js";
import type { Charged, GoalPolicy, StepAllowance, TurnEnd } from "./engine-types.js";
import type { Goal } from "./goal.js";
import { GoalStep } from "./goal-step.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { AbortSignalLike, GoalStore } from "./ports.js";
import type { ToolResultFact } from "./progress.js";
import { afterTurn, type RunningTurn, type SessionRuntime } from "./session-runtime.js";
import { boundByCeiling } from "./spend-ceilings.js";
import { limitBeforeStep, type StepEstimate, stepAllowance, TOKEN_OVERSHOOT_SHARE } from "./step-allowance.js";
import { executeGoalTool, type GoalToolHost, type GoalToolOutcome } from "./tool-execution.js";
import type { GoalCommand } from "./transition.js";

/** A step that must wait for other sessions' steps to settle before it may start (see `allowStep`). */
const CROWDED = Symbol("crowded");

/**
 * How a step is allowed. `waitForRoom` (default true): when steps other sessions have in flight hold the room
 * left under a spend ceiling, wait for them to settle; a host that cannot wait there (its events would queue
 * behind the wait) passes false, and the step gets a wrap-up's room instead.
 */
export type StepOptions = { waitForRoom?: boolean };

/** What a turn needs of its engine, for one session. */
export type TurnDeps = {
  sessionID: string;
  store: GoalStore;
  lock: KeyedLock;
  now: () => number;
  policy: GoalPolicy;
  /** Commits commands in one transaction; the caller holds the session's lock. */
  commit: (commands: readonly GoalCommand[], actor: "model" | "runtime", onlyGoalID?: string) => Promise<Committed>;
  /** The session's in-memory state (read each time: a new goal replaces it). */
  memory: () => SessionRuntime;
  /** What the goal tools ask of the engine. */
  tools: GoalToolHost;
  /** The spend ceilings across goals, when configured. */
  ceilings?: CeilingGuard | undefined;
};

/**
 * One turn of a session, as the engine sees it: begun by `engine.beginTurn`, it asks before each model step
 * (`allowStep`), hands out the steps that are charged (`reserveStep`), runs the goal tools, and ends once
 * (`end`), charging the turn and judging its progress. A turn begun while no goal was active works for none,
 * unless the model creates one during it; its steps then charge nothing.
 */
export class GoalTurn {
  private ended = false;

  constructor(
    private readonly deps: TurnDeps,
    private readonly running: RunningTurn,
  ) {}

  get id(): string {
    return this.running.id;
  }

  /** Whether the turn works for a goal (the one active when it began, or one the model created in it). */
  get forGoal(): boolean {
    return this.running.goalID !== undefined;
  }

  /**
   * Before each model step: no step starts once a limit is reached (except one short wrap-up step right after
   * the crossing), and the step's output is capped by the tokens and dollars left after its estimated input;
   * when that leaves less room than a wrap-up step's cap, the limit counts as reached now. The spend ceilings
   * across goals bound it the same way; while steps of other sessions hold the room left under one, it waits for
   * them (see `StepOptions`).
   */
  async allowStep(estimate: StepEstimate = {}, options: StepOptions = {}): Promise<StepAllowance> {
    const waitForRoom = options.waitForRoom ?? true;
    for (;;) {
      const seen = this.deps.ceilings?.settlements ?? 0;
      const allowance = await this.deps.lock.run(this.deps.sessionID, () => this.decideStep(estimate, waitForRoom));
      if (allowance !== CROWDED) return allowance;
      // Other sessions' steps hold the room under a spend ceiling: wait (outside the lock, so a pause is never
      // held up) until one settles, then decide again. One that settled while this one decided counts too.
      await this.deps.ceilings?.settledAfter(seen);
    }
  }

  private async decideStep(estimate: StepEstimate, waitForRoom: boolean): Promise<StepAllowance | typeof CROWDED> {
    const turn = this.running;
    if (!turn.goalID || this.ended) return { kind: "run" };
    let goal = await this.deps.store.get(this.deps.sessionID);
    if (!goal || goal.id !== turn.goalID) {
      return turn.continuation ? { kind: "stop", reason: "the goal was cleared" } : { kind: "run" };
    }
    const elapsed = (this.deps.now() - turn.startedAt) / 1000;
    let notice: ContextMessage[] = [];
    const { ceilings, sessionID, policy } = this.deps;
    const least = policy.wrapUpMaxOutputTokens;
    const limit = limitBeforeStep(goal, elapsed, estimate, policy);
    const active = !limit && goal.status === "active";
    const ceiling = active ? await ceilings?.blocking(sessionID, estimate, least) : undefined;
    const crowded = active && !ceiling && (await ceilings?.crowded(sessionID, estimate, least)) === true;
    if (crowded && waitForRoom) return CROWDED;
    if (limit) {
      const limited = await this.deps.commit([{ type: "limit", limit }], "runtime");
      if (limited.ok && limited.value.goal) goal = limited.value.goal;
      turn.limitCrossed = true;
      notice = [budgetNoticeMessage(goal, limit, limit === "seconds" ? elapsed : 0)];
    } else if (ceiling) {
      const limited = await this.deps.commit([{ type: "ceiling", hit: ceiling.hit }], "runtime");
      if (limited.ok && limited.value.goal) goal = limited.value.goal;
      turn.limitCrossed = true;
      notice = [ceilingNoticeMessage(ceiling)];
    }
    // A goal at work stays under each ceiling; a step after its stop (a wrap-up, an answer's end) within 5%.
    const share = goal.status === "active" ? 0 : TOKEN_OVERSHOOT_SHARE;
    const held = (await ceilings?.rooms(sessionID, estimate, share))?.held;
    // A step that may not wait gets a wrap-up's room: concurrent steps pass a ceiling by that much at most each.
    const room = crowded && held ? { ...held, room: Math.max(held.room, Math.max(1, least)) } : held;
    const allowance = boundByCeiling(stepAllowance(goal, turn, policy, estimate, notice), room);
    if (allowance.kind === "wrap_up") turn.wrapUpUsed = true;
    if (allowance.kind !== "stop") ceilings?.hold(sessionID, estimate, allowance.maxOutputTokens);
    return allowance;
  }

  /**
   * A step about to be sent, to be settled exactly once. `estimatedInputTokens` is what a crash or a cut stream
   * charges as its input; `prices` price its charge.
   */
  reserveStep(step: { stepID: string; estimatedInputTokens: number; prices?: ModelPrices }): GoalStep {
    return new GoalStep(
      {
        sessionID: this.deps.sessionID,
        store: this.deps.store,
        now: this.deps.now,
        goalID: () => this.running.goalID,
        settled: () => this.deps.ceilings?.release(this.deps.sessionID),
        charge: (command) =>
          this.deps.lock.run(this.deps.sessionID, async () => {
            const goalID = this.running.goalID;
            return goalID ? this.charge(goalID, command) : { append: [] };
          }),
      },
      step.stepID,
      {
        estimatedInputTokens: step.estimatedInputTokens,
        ...(step.prices ? { prices: step.prices } : {}),
      },
    );
  }

  /** Runs a goal tool the model called; the signal is the turn's (aborting it stops a verify command). */
  executeTool(name: string, args: unknown, options: { signal?: AbortSignalLike } = {}): Promise<GoalToolOutcome> {
    return executeGoalTool(this.deps.tools, this.deps.sessionID, name, args, options);
  }

  /** The turn's finished tool calls, which judge its progress. */
  recordToolResults(results: readonly ToolResultFact[]): void {
    this.running.results.push(...results);
  }

  /**
   * The turn is over: it is charged (one turn, its busy seconds), its progress judged and remembered; an aborted
   * turn pauses the goal, and `blocked` blocks it. Only the first call counts.
   */
  end(end: TurnEnd): Promise<{ goal?: Goal; append: ContextMessage[] }> {
    return this.deps.lock.run(this.deps.sessionID, async () => {
      if (this.ended) return { append: [] };
      this.ended = true;
      this.deps.ceilings?.release(this.deps.sessionID);
      const runtime = this.deps.memory();
      const turn = this.running;
      if (runtime.turn === turn) runtime.turn = undefined;
      const now = this.deps.now();
      let charged: Charged = { append: [] };
      if (turn.goalID) {
        const seconds = Math.max(0, now - turn.startedAt) / 1000;
        charged = await this.charge(turn.goalID, {
          type: "charge",
          key: `turn:${turn.id}`,
          charge: turnCharge(seconds),
        });
      }
      Object.assign(runtime, afterTurn(runtime, turn, end, now, this.deps.policy.progressWindowTurns));
      if (end.blocked !== undefined && turn.goalID) {
        const blocked = await this.deps.commit([{ type: "block", reason: end.blocked }], "runtime");
        if (blocked.ok && blocked.value.goal) return { goal: blocked.value.goal, append: charged.append };
      }
      if (end.outcome === "aborted") {
        const paused = await this.deps.commit([{ type: "pause", reason: "aborted by the user" }], "runtime");
        const goal = paused.ok && paused.value.goal ? paused.value.goal : charged.goal;
        return { ...(goal ? { goal } : {}), append: charged.append };
      }
      return charged;
    });
  }

  /** Commits one charge to the turn's goal (the lock held); a crossed limit gives the budget notice. */
  private async charge(goalID: string, command: Extract<GoalCommand, { type: "charge" }>): Promise<Charged> {
    const result = await this.deps.commit([command], "runtime", goalID);
    if (!result.ok || !result.value.goal || result.value.goal.id !== goalID) return { append: [] };
    const goal = result.value.goal;
    const crossed = result.value.history.some((row) => row.kind === "status" && row.to === "budget_limited");
    if (!crossed || !goal.limit) return { goal, append: [] };
    this.running.limitCrossed = true;
    return { goal, append: [budgetNoticeMessage(goal, goal.limit)] };
  }
}
