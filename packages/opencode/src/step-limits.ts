import { assertNever, type StepAllowance } from "@pursuit/core";
import type { SessionTracker } from "./session-tracker.js";

/** chat.params' output: OpenCode sends `maxOutputTokens` as the request's max_tokens. */
export type ModelRequestParams = { maxOutputTokens: number | undefined };

/**
 * Enforces the engine's step allowance on OpenCode's model requests: caps the output tokens, queues the
 * budget notice for a wrap-up step, and stops a step that may not run by capping it to one token and
 * aborting the turn (OpenCode has no way to skip a request from a plugin).
 */
export class StepLimits {
  constructor(
    private readonly tracker: SessionTracker,
    private readonly abort: (sessionID: string, reason: string) => void,
  ) {}

  apply(sessionID: string, allowance: StepAllowance, output: ModelRequestParams): void {
    switch (allowance.kind) {
      case "run":
        if (allowance.maxOutputTokens !== undefined)
          output.maxOutputTokens = capped(output.maxOutputTokens, allowance.maxOutputTokens);
        return;
      case "wrap_up":
        output.maxOutputTokens = capped(output.maxOutputTokens, allowance.maxOutputTokens);
        this.tracker.queueContext(sessionID, allowance.append);
        return;
      case "stop":
        output.maxOutputTokens = 1;
        this.tracker.get(sessionID).stoppingForLimit = true;
        this.abort(sessionID, allowance.reason);
        return;
      default:
        assertNever(allowance, "step allowance");
    }
  }
}

const capped = (current: number | undefined, cap: number): number => Math.max(1, Math.min(current ?? cap, cap));
