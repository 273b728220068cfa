import { type ModelPrices, stepCharge } from "./accounting.js";
import type { Charged, StepReport } from "./engine-types.js";
import type { GoalStore } from "./ports.js";
import { estimatedCharge, newReservation, stepKey } from "./step-reservations.js";
import type { GoalCommand } from "./transition.js";

/** What a step needs of its turn: the store, the clock, the goal the turn works for, and one charge. */
export type StepPort = {
  sessionID: string;
  store: GoalStore;
  now: () => number;
  /** The goal the turn works for now (a goal created mid-turn counts), if any: without one nothing is charged. */
  goalID: () => string | undefined;
  /** The step settled, however: what it held against the spend ceilings is let go. */
  settled?: () => void;
  /** Commits a charge to the turn's goal under the session's lock; a crossed limit gives the budget notice. */
  charge: (command: Extract<GoalCommand, { type: "charge" }>) => Promise<Charged>;
};

type StepState = "reserved" | "sent" | "settled";

/**
 * One model step of a goal turn, from before its request to its charge. Its estimated input is held until the
 * request's first byte goes out (`sending`), from when a crash charges it; the output it streams is checkpointed;
 * and it settles exactly once, as `finished` (the provider's usage), `cut` (the stream broke off after the model
 * started answering: its estimated input and output so far) or `release` (nothing was billed). Whatever comes
 * after the first settle is a no-op: the object, not its callers, keeps a step from being charged twice.
 */
export class GoalStep {
  private state: StepState = "reserved";
  private outputTokens = 0;

  constructor(
    private readonly scope: StepPort,
    readonly id: string,
    private readonly estimate: { estimatedInputTokens: number; prices?: ModelPrices },
  ) {}

  /** Whether the step has settled (finished, cut or released). */
  get settled(): boolean {
    return this.state === "settled";
  }

  /** The output streamed so far, as last checkpointed. */
  get checkpointedOutputTokens(): number {
    return this.outputTokens;
  }

  /**
   * The request's first byte is about to leave: from now on a process that dies charges this step at the next
   * start. A step killed before this charges nothing, as its provider bills nothing.
   */
  async sending(): Promise<void> {
    if (this.state !== "reserved") return;
    this.state = "sent";
    const goalID = this.scope.goalID();
    if (!goalID) return;
    const reservation = newReservation(
      { stepID: this.id, estimatedInputTokens: this.estimate.estimatedInputTokens },
      { goalID, sessionID: this.scope.sessionID },
      this.scope.now(),
    );
    await this.scope.store.reserve(reservation);
  }

  /** While the step streams: the output so far, estimated (a crash charges it). */
  async checkpoint(outputTokens: number): Promise<void> {
    if (this.state === "settled") return;
    if (this.state === "reserved") await this.sending();
    this.outputTokens = Math.max(this.outputTokens, Math.ceil(outputTokens));
    if (this.scope.goalID()) await this.scope.store.checkpoint(stepKey(this.id), this.outputTokens);
  }

  /** The provider reported the step's usage: charged once, with the budget notice when it crossed a limit. */
  finished(report: StepReport): Promise<Charged> {
    return this.settle(() => {
      const charge = stepCharge(report.usage, this.estimate.prices);
      if (report.costUSD !== undefined && Number.isFinite(report.costUSD) && report.costUSD >= 0)
        charge.costUSD = report.costUSD;
      return { type: "charge", key: stepKey(this.id), charge };
    });
  }

  /**
   * The stream broke off after the model started answering (cut for silence, a reset, an error event): the
   * provider bills its input and what it produced, so those are charged, marked estimated. `outputTokens`
   * defaults to the last checkpoint. A step that never went out is released instead.
   */
  cut(outputTokens?: number): Promise<Charged> {
    if (this.state === "reserved") return this.release().then(() => ({ append: [] }));
    if (outputTokens !== undefined) this.outputTokens = Math.max(this.outputTokens, Math.ceil(outputTokens));
    return this.settle(() =>
      estimatedCharge(
        {
          key: stepKey(this.id),
          inputTokens: Math.max(0, Math.ceil(this.estimate.estimatedInputTokens)),
          outputTokens: this.outputTokens,
        },
        this.estimate.prices,
      ),
    );
  }

  /** The step ended with nothing billed (refused before any output, aborted before it was sent). */
  async release(): Promise<void> {
    if (this.state === "settled") return;
    const wasSent = this.state === "sent";
    this.state = "settled";
    this.scope.settled?.();
    if (wasSent && this.scope.goalID()) await this.scope.store.release(stepKey(this.id));
  }

  private async settle(command: () => Extract<GoalCommand, { type: "charge" }>): Promise<Charged> {
    if (this.state === "settled") return { append: [] };
    this.state = "settled";
    try {
      return await this.scope.charge(command());
    } finally {
      this.scope.settled?.();
    }
  }
}
