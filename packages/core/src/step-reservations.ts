import type { ModelPrices } from "./accounting.js";
import { stepCharge } from "./accounting.js";
import type { StepReservation } from "./ports.js";
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

/** The charge of a step a dead process left unsettled: its reserved input and checkpointed output, estimated. */
export function estimatedCharge(
  reservation: StepReservation,
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
