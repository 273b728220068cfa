import { type ModelPrices, stepCharge } from "./accounting.js";
import type { Committed } from "./apply-commands.js";
import { budgetNoticeMessage, type ContextMessage } from "./context.js";
import type { StepReport } from "./engine-types.js";
import type { Goal } from "./goal.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { GoalStore } from "./ports.js";
import type { RunningTurn } from "./session-runtime.js";
import { estimatedCharge, newReservation, stepKey } from "./step-reservations.js";
import type { GoalCommand } from "./transition.js";

export type Charged = { goal?: Goal; append: ContextMessage[] };

/** What step accounting needs of the engine: its store, clock and lock, the running turn, one commit. */
export type StepAccountingDeps = {
  store: () => GoalStore;
  now: () => number;
  lock: KeyedLock;
  turn: (sessionID: string) => RunningTurn | undefined;
  commit: (sessionID: string, commands: readonly GoalCommand[], goalID: string) => Promise<Committed>;
};

/**
 * The money side of a goal turn: each step reserved before it is sent, its streamed output checkpointed, and
 * charged once by key (from the provider's usage, or estimated when the stream broke off or the process died);
 * a charge that crosses a limit hands back the budget notice.
 */
export class StepAccounting {
  constructor(private readonly deps: StepAccountingDeps) {}

  /** Charges one step (idempotent by step id) and returns the budget notice when this step crossed a limit. */
  finished(sessionID: string, step: StepReport): Promise<Charged> {
    return this.deps.lock.run(sessionID, async () => {
      const goalID = this.deps.turn(sessionID)?.goalID;
      if (!goalID) return { append: [] };
      const charge = stepCharge(step.usage, step.prices);
      if (step.costUSD !== undefined && Number.isFinite(step.costUSD) && step.costUSD >= 0)
        charge.costUSD = step.costUSD;
      return this.charge(sessionID, goalID, { type: "charge", key: stepKey(step.stepID), charge });
    });
  }

  /**
   * Before a goal turn's step is sent: its estimated input is reserved, so a crash before its charge still
   * charges it (settled by `finished` with the same step id).
   */
  async reserve(sessionID: string, step: { stepID: string; estimatedInputTokens: number }): Promise<void> {
    const goalID = this.deps.turn(sessionID)?.goalID;
    if (goalID) await this.deps.store().reserve(newReservation(step, { goalID, sessionID }, this.deps.now()));
  }

  /**
   * A reserved step that ended without usage to charge (it failed, or was aborted): the host knows what
   * happened, so its reservation is dropped; only a crash leaves one to be charged at the next start.
   */
  async release(sessionID: string, step: { stepID: string }): Promise<void> {
    if (this.deps.turn(sessionID)?.goalID) await this.deps.store().release(stepKey(step.stepID));
  }

  /**
   * A reserved step whose stream broke off after the model had started answering (cut for silence, or the
   * connection died): the provider bills what it produced, so its estimated input and the output streamed so
   * far are charged, marked estimated, under the step's key (once, however often it is reported).
   */
  cut(
    sessionID: string,
    step: { stepID: string; estimatedInputTokens: number; outputTokens: number; prices?: ModelPrices },
  ): Promise<Charged> {
    return this.deps.lock.run(sessionID, async () => {
      const goalID = this.deps.turn(sessionID)?.goalID;
      if (!goalID) return { append: [] };
      const reservation = newReservation(step, { goalID, sessionID }, this.deps.now());
      const output = Math.max(0, Math.ceil(step.outputTokens));
      return this.charge(sessionID, goalID, estimatedCharge({ ...reservation, outputTokens: output }, step.prices));
    });
  }

  /** While a reserved step streams: the output so far, estimated. */
  async checkpoint(sessionID: string, step: { stepID: string; outputTokens: number }): Promise<void> {
    if (!this.deps.turn(sessionID)?.goalID) return;
    await this.deps.store().checkpoint(stepKey(step.stepID), Math.max(0, Math.ceil(step.outputTokens)));
  }

  /**
   * After a restart: steps a dead process reserved but never charged are charged now, their reservation plus
   * the output checkpointed, marked estimated (idempotent by step id, so a step charged once never is again).
   * `busy`: sessions whose turn started here already (their reservations are live).
   */
  async settleLeftovers(busy: (sessionID: string) => boolean): Promise<void> {
    for (const reservation of await this.deps.store().reservations()) {
      if (busy(reservation.sessionID)) continue;
      await this.deps.lock.run(reservation.sessionID, async () => {
        const command = estimatedCharge(reservation);
        const result = await this.deps.commit(reservation.sessionID, [command], reservation.goalID);
        if (!result.ok || result.value.history.length === 0) await this.deps.store().release(reservation.key);
      });
    }
  }

  /** Commits one charge to the turn's goal (under the session lock); a crossed limit gives the budget notice. */
  async charge(sessionID: string, goalID: string, command: Extract<GoalCommand, { type: "charge" }>): Promise<Charged> {
    const result = await this.deps.commit(sessionID, [command], goalID);
    if (!result.ok || !result.value.goal || result.value.goal.id !== goalID) return { append: [] };
    const goal = result.value.goal;
    const crossed = result.value.history.some((row) => row.kind === "status" && row.to === "budget_limited");
    if (crossed && goal.limit) {
      const turn = this.deps.turn(sessionID);
      if (turn) turn.limitCrossed = true;
      return { goal, append: [budgetNoticeMessage(goal, goal.limit)] };
    }
    return { goal, append: [] };
  }
}
