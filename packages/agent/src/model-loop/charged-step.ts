import type { Charged, GoalStep, GoalTurn, TokenRate } from "@pursuit/core";
import { callWithRetries, type RetryNotice, type RetryPolicy } from "@pursuit/driver";
import { createId } from "@pursuit/store";
import type { ResolvedModel } from "../providers.js";
import { OutputCheckpoints } from "./output-checkpoints.js";
import { whenRequestSends } from "./request-sending.js";
import { providerFailureOf, runModelStep, type StepEvent, type StepRequest, type StepResult } from "./step.js";
import { toStepUsage } from "./usage.js";

export type ChargedStepRequest = {
  goalTurn: GoalTurn;
  model: ResolvedModel;
  /** What the request sends, but for its model, signal and event handler. */
  request: Omit<StepRequest, "model" | "signal" | "onEvent" | "idleTimeoutMs">;
  /** The step's new input, estimated at the session's rate: what a crash or a cut stream charges as input. */
  estimatedInputTokens: number;
  /** The session's output rate, to estimate streamed output. */
  outputRate: TokenRate;
  signal: AbortSignal;
  /** Aborts with the turn, or alone when the goal is paused or cleared during a retry wait. */
  retryWait: AbortSignal;
  retry: RetryPolicy;
  now: () => number;
  onRetry: (notice: RetryNotice | undefined) => void;
  onEvent: (event: StepEvent) => void | Promise<void>;
  /** Each attempt's request is about to leave (its reservation written), charged under its own step id. */
  onAttempt?: (stepID: string) => Promise<void>;
  /**
   * A failed attempt was charged (the provider bills it: it had started answering, `streamed`, or went silent);
   * the request is sent again unless this returns false (its charge crossed a limit, say).
   */
  onCut?: (charged: Charged, attempt: { streamed: boolean }) => Promise<boolean>;
};

export type ChargedStepResult = {
  result: StepResult | { kind: "stopped_after_cut" };
  /** The charge of the step's last attempt: its usage, or its estimate when the stream broke off. */
  charged: Charged;
  stepID: string;
  /** The last attempt streamed part of an answer. */
  streamed: boolean;
};

/**
 * One model step with its retries, each attempt a `GoalStep` of the turn: reserved before its request leaves,
 * checkpointed while it streams, and settled once: finished with the provider's usage, cut with its estimate
 * when the stream broke off after the model began answering (providers bill that), released when nothing was
 * billed. The one place the host spends money.
 */
export async function runChargedStep(step: ChargedStepRequest): Promise<ChargedStepResult> {
  let current: { goalStep: GoalStep; checkpoints: OutputCheckpoints } | undefined;
  let streamed = false;
  let stopped = false;
  let lastResult: StepResult | undefined;
  const settleFailedAttempt = async (): Promise<Charged> => {
    if (!current) return { append: [] };
    if (billedWithoutAnswer(lastResult, streamed)) return current.goalStep.cut(current.checkpoints.tokens);
    await current.goalStep.release();
    return { append: [] };
  };
  const attempt = async (): Promise<StepResult> => {
    if (current) {
      // The previous attempt failed: settled before the request is sent again.
      const wasStreamed = streamed;
      const cut = await settleFailedAttempt();
      if ((wasStreamed || cut.append.length > 0) && step.onCut && !(await step.onCut(cut, { streamed: wasStreamed }))) {
        stopped = true;
        return { kind: "aborted" };
      }
    }
    streamed = false;
    const goalStep = step.goalTurn.reserveStep({
      stepID: createId("step"),
      estimatedInputTokens: step.estimatedInputTokens,
      ...(step.model.prices ? { prices: step.model.prices } : {}),
    });
    const checkpoints = new OutputCheckpoints(step.outputRate, (tokens) => goalStep.checkpoint(tokens));
    current = { goalStep, checkpoints };
    // The reservation first, then the attempt's message: a message in the transcript means its request went out.
    const sending = async () => {
      await goalStep.sending();
      await step.onAttempt?.(goalStep.id);
    };
    lastResult = await whenRequestSends(sending, (headers) =>
      runModelStep({
        ...step.request,
        headers,
        model: step.model.model,
        signal: step.signal,
        ...(step.model.streamIdleTimeoutMs !== undefined ? { idleTimeoutMs: step.model.streamIdleTimeoutMs } : {}),
        onEvent: async (event) => {
          // A model reached without the providers' fetch (an injected one) still gets its reservation here.
          if (!streamed) await sending();
          streamed = true;
          await step.onEvent(event);
          await checkpoints.streamed(event);
        },
      }),
    );
    return lastResult;
  };
  // Transient provider failures are retried here, inside the turn, while the session shows `retrying`.
  const result = await callWithRetries(attempt, {
    policy: step.retry,
    clock: { now: step.now },
    signal: step.retryWait,
    failureOf: providerFailureOf,
    onRetry: step.onRetry,
    onRetryEnd: () => step.onRetry(undefined),
  });
  const last = current as { goalStep: GoalStep; checkpoints: OutputCheckpoints };
  if (stopped)
    return { result: { kind: "stopped_after_cut" }, charged: { append: [] }, stepID: last.goalStep.id, streamed };
  if (result.kind === "finished") {
    const usage = toStepUsage(result.usage);
    step.outputRate.observe(last.checkpoints.streamedBytes, usage.output);
    const charged = await last.goalStep.finished({ usage });
    return { result, charged, stepID: last.goalStep.id, streamed };
  }
  return { result, charged: await settleFailedAttempt(), stepID: last.goalStep.id, streamed };
}

/**
 * Whether a request that got no answer is billed all the same, as providers bill: once the model started
 * answering (its output so far), or once it had the request and the client gave up on it (an abort, a silent
 * stream cut): its input. A request the provider refused with a status (429, 5xx, 400) or that lost its
 * connection before any answer bills nothing.
 */
function billedWithoutAnswer(result: StepResult | undefined, streamed: boolean): boolean {
  if (streamed || result?.kind === "aborted") return true;
  if (result?.kind !== "failed") return false;
  return result.error.statusCode === undefined && !result.error.connectionLost;
}
