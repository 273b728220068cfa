import type { ModelPrices } from "./accounting.js";
import { stepCharge } from "./accounting.js";
import type { Committed } from "./apply-commands.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { GoalStore, StepReservation } from "./ports.js";
import type { GoalCommand } from "./transition.js";

/** The key a model step is reserved and charged under: one key, so a step is never charged twice. */
export const stepKey = (stepID: string): string => `step:${stepID}`;

/** A step about to be sent: its estimated input, no output yet. */
export function newReservation(
  step: { stepID: string; estimatedInputTokens: number },
  owner: { goalID: string; sessionID: string },
  now: number,
): StepReservation {
  return {
    key: stepKey(step.stepID),
    ...owner,
    inputTokens: Math.max(0, Math.ceil(step.estimatedInputTokens)),
    outputTokens: 0,
    time: now,
  };
}

/**
 * The charge of a step known only by estimates (its stream broke off, or a dead process left it unsettled): its
 * reserved input and checkpointed output, marked estimated.
 */
export function estimatedCharge(
  reservation: Pick<StepReservation, "key" | "inputTokens" | "outputTokens">,
  prices?: ModelPrices,
): Extract<GoalCommand, { type: "charge" }> {
  const charge = stepCharge(
    {
      noCacheInput: reservation.inputTokens,
      cacheRead: 0,
      cacheWrite: 0,
      output: reservation.outputTokens,
      reasoning: 0,
    },
    prices,
  );
  return { type: "charge", key: reservation.key, charge, estimated: true };
}

/**
 * After a restart: steps a dead process reserved but never charged are charged now, their reservation plus the
 * output checkpointed, marked estimated (idempotent by step key, so a step charged once never is again). A
 * reservation whose goal is gone is dropped.
 */
export async function settleLeftovers(deps: {
  store: GoalStore;
  lock: KeyedLock;
  /** Sessions whose turn started in this process already: their reservations are live. */
  busy: (sessionID: string) => boolean;
  commit: (sessionID: string, command: Extract<GoalCommand, { type: "charge" }>, goalID: string) => Promise<Committed>;
}): Promise<void> {
  for (const reservation of await deps.store.reservations()) {
    if (deps.busy(reservation.sessionID)) continue;
    await deps.lock.run(reservation.sessionID, async () => {
      const result = await deps.commit(reservation.sessionID, estimatedCharge(reservation), reservation.goalID);
      if (!result.ok || result.value.history.length === 0) await deps.store.release(reservation.key);
    });
  }
}
