import type { RecordedRequest } from "./types.js";

/**
 * The tokens a goal must be charged for these requests by the accounting rule (uncached input plus output,
 * reasoning included), billed the way providers bill: an answered request in full; a request the model
 * accepted but whose stream the client cut (a kill, a timeout) or that broke off (an error event, a reset) for its
 * input and the output streamed before the cut; a refused request (429, 5xx, too long) or one that never arrived, nothing.
 */
export function billedTokens(requests: readonly RecordedRequest[]): number {
  let sum = 0;
  for (const request of requests) {
    const usage = request.response?.usage;
    if (!usage || request.response?.status !== 200) continue;
    const input = usage.prompt_tokens - usage.prompt_tokens_details.cached_tokens;
    const answered =
      request.respondedAt !== undefined && request.disconnectedAt === undefined && request.brokeOff === undefined;
    sum += input + (answered ? usage.completion_tokens : (request.streamedOutputTokens ?? 0));
  }
  return sum;
}
