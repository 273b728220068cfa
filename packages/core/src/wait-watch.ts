import { type CeilingGuard, ceilingReview } from "./ceiling-guard.js";
import { type ContinuationState, initialContinuationState } from "./continuation.js";
import type { GoalPolicy } from "./engine-types.js";
import type { Goal } from "./goal.js";
import { wakeDue } from "./goal-wait.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { AbortSignalLike, GoalStore, VerifyRunner } from "./ports.js";
import type { Result } from "./result.js";
import type { GoalCommand, GoalRefusal } from "./transition.js";

export type WaitWatchDeps = {
  lock: KeyedLock;
  store: GoalStore;
  now: () => number;
  policy: GoalPolicy;
  checks: VerifyRunner | undefined;
  ceilings?: CeilingGuard | undefined;
  memory: (sessionID: string) => { continuation: ContinuationState };
  /** Applies commands as the runtime; the caller holds the session's lock. */
  applyInLock: (sessionID: string, commands: GoalCommand[]) => Promise<Result<Goal | null, GoalRefusal>>;
};

/**
 * The engine's part of a waiting goal: when its alarm rings, run its check (outside the session's lock: it may
 * take a while, and a person's pause must not wait for it) and record the run, or wake it when its time has come.
 * A check whose goal stopped waiting meanwhile changes nothing. A goal that wakes starts with fresh streaks.
 */
export class WaitWatch {
  constructor(private readonly deps: WaitWatchDeps) {}

  async alarm(sessionID: string, signal?: AbortSignalLike): Promise<Goal | undefined> {
    const due = await this.deps.lock.run(sessionID, async () => {
      const goal = await this.deps.store.get(sessionID);
      const now = this.deps.now();
      if (goal?.status === "budget_limited") {
        const review = await ceilingReview(goal, this.deps.ceilings, this.deps.policy.wrapUpMaxOutputTokens, now);
        return { goal: review ? await this.settled(sessionID, [review], goal) : goal };
      }
      if (goal?.status !== "waiting" || !goal.wait) return { goal };
      const check = goal.wait.check;
      // A due check runs before a due wake: what it shows decides whether the wait ended quietly.
      if (check && check.nextAt <= now && this.deps.checks) return { goal, check: check.command };
      if (!wakeDue(goal.wait, now)) return { goal };
      return { goal: await this.settled(sessionID, [{ type: "wake" }], goal) };
    });
    if (!due.check || !this.deps.checks) return due.goal ?? undefined;
    const run = await this.deps.checks.run(sessionID, due.check, signal);
    if (run.aborted) return due.goal;
    return this.deps.lock.run(sessionID, async () => {
      const command: GoalCommand = {
        type: "checked",
        command: due.check,
        exitCode: run.exitCode,
        output: run.output,
        policy: this.deps.policy,
      };
      return this.settled(sessionID, [command], due.goal);
    });
  }

  private async settled(sessionID: string, commands: GoalCommand[], before: Goal): Promise<Goal | undefined> {
    const result = await this.deps.applyInLock(sessionID, commands);
    if (!result.ok) return before;
    const goal = result.value ?? undefined;
    if (goal?.status === "active") this.deps.memory(sessionID).continuation = initialContinuationState();
    return goal;
  }
}
