import type { RecordedRequest } from "./types.js";

/**
 * The tokens a goal must be charged for these requests by the accounting rule (uncached input plus output,
 * reasoning included), from what the model reported billing: only answered requests count, and a request
 * the client hung up on before its answer ended is never billed.
 */
export function billedTokens(requests: readonly RecordedRequest[]): number {
  let sum = 0;
  for (const request of requests) {
    const usage = request.response?.usage;
    if (!request.respondedAt || request.disconnectedAt || !usage) continue;
    sum += usage.prompt_tokens - usage.prompt_tokens_details.cached_tokens + usage.completion_tokens;
  }
  return sum;
}
