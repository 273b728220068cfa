import type { ChatRequestBody, FinishReason, Reply, SentResponse } from "./types.js";
import { BYTES_PER_TOKEN, buildUsage, countCharacters, estimateOutputTokens } from "./usage-estimate.js";

export interface PlanContext {
  /** Global request index, used to make tool call ids unique. */
  requestIndex: number;
  promptTokens: number;
  cachedTokens: number;
}

/** The output limit a client asked for, if any (`max_completion_tokens` is the newer name). */
export function outputLimit(body: ChatRequestBody): number | undefined {
  const limit = body.max_completion_tokens ?? body.max_tokens;
  return typeof limit === "number" && Number.isFinite(limit) && limit >= 0 ? Math.floor(limit) : undefined;
}

/**
 * Turns a successful scripted reply into exactly what will be sent: tool call ids and argument strings filled in,
 * the output cut to `max_tokens` (reasoning first, then text, then tool calls, the one the limit hits sent
 * half-written), the finish reason, and the usage.
 */
export function planResponse(reply: Reply, body: ChatRequestBody, context: PlanContext): SentResponse {
  const toolCalls = (reply.toolCalls ?? []).map((call, n) => ({
    id: call.id ?? `call_${context.requestIndex}_${n}`,
    name: call.name,
    arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
  let reasoning = reply.reasoning ?? "";
  let text = reply.text ?? "";
  const toolTokens = toolCalls.reduce((sum, call) => sum + estimateOutputTokens(call.name + call.arguments), 0);
  const fullOutputTokens = estimateOutputTokens(reasoning) + estimateOutputTokens(text) + toolTokens;
  const limit = outputLimit(body);
  const truncated = limit !== undefined && fullOutputTokens > limit;

  let sentToolCalls = toolCalls;
  if (truncated) {
    let budget = limit * BYTES_PER_TOKEN;
    reasoning = takeCharacters(reasoning, budget);
    budget -= countCharacters(reasoning);
    text = takeCharacters(text, budget);
    budget -= countCharacters(text);
    // As a real model does, the call being written when the limit hit is sent half-written (its arguments are no
    // valid JSON); the calls after it never start.
    sentToolCalls = [];
    for (const call of toolCalls) {
      if (budget <= call.name.length) break;
      budget -= call.name.length;
      const cut = countCharacters(call.arguments) > budget;
      sentToolCalls.push(cut ? { ...call, arguments: takeCharacters(call.arguments, budget) } : call);
      budget -= countCharacters(call.arguments);
      if (cut) break;
    }
  }
  const sentToolTokens = sentToolCalls.reduce((sum, call) => sum + estimateOutputTokens(call.name + call.arguments), 0);
  const reasoningTokens = estimateOutputTokens(reasoning);
  const finishReason: FinishReason = truncated ? "length" : sentToolCalls.length > 0 ? "tool_calls" : "stop";
  const usage = buildUsage({
    promptTokens: context.promptTokens,
    cachedTokens: context.cachedTokens,
    outputTokens: estimateOutputTokens(text) + sentToolTokens,
    reasoningTokens: truncated ? Math.min(reasoningTokens, limit) : reasoningTokens,
    ...(truncated ? { cappedAt: limit } : {}),
    ...(reply.usage ? { override: reply.usage } : {}),
  });
  return { status: 200, text, reasoning, toolCalls: sentToolCalls, finishReason, usage, truncated };
}

function takeCharacters(text: string, count: number): string {
  if (count <= 0) return "";
  return Array.from(text).slice(0, count).join("");
}
