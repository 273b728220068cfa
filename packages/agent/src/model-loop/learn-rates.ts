import type { TokenRate } from "@pursuit/core";
import type { StoredMessageWithParts } from "@pursuit/store";

/** How many of the latest answers a session reloaded after a restart learns its rate from. */
const ANSWERS_TO_LEARN_FROM = 20;

/**
 * A session read back from its transcript (after a restart) learns its bytes-per-token rate from its own latest
 * answers: the output tokens the provider reported for each against the bytes of its text, reasoning and tool
 * calls, so a step cut by the next crash is charged near its bill, not at a conservative guess.
 */
export function learnOutputRate(rate: TokenRate, messages: readonly StoredMessageWithParts[]): void {
  let learnt = 0;
  for (let index = messages.length - 1; index >= 0 && learnt < ANSWERS_TO_LEARN_FROM; index--) {
    const message = messages[index] as StoredMessageWithParts;
    const output = message.data.usage?.output;
    if (message.role !== "assistant" || message.data.error || !output) continue;
    rate.observe(answerBytes(message), output);
    learnt++;
  }
}

/** Bytes of an answer's output as the host counts them while it streams (see OutputCheckpoints). */
function answerBytes(message: StoredMessageWithParts): number {
  let bytes = 0;
  for (const part of message.parts) {
    const data = part.data;
    if (data.type === "text" || data.type === "reasoning") bytes += Buffer.byteLength(data.text);
    else if (data.type === "tool")
      bytes += Buffer.byteLength(JSON.stringify(data.state.input ?? {})) + data.tool.length;
  }
  return bytes;
}
