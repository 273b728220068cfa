import type { TokenRate } from "@pursuit/core";
import type { StoredMessageWithParts } from "@pursuit/store";
import { toModelView, viewChars } from "../compaction/model-view.js";

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

/** How many of the latest steps a session reloaded after a restart learns its new-input rate from. */
const STEPS_TO_LEARN_FROM = 4;

/**
 * A session read back after a restart learns what its new input costs: for each of its latest answered steps that
 * read the provider's cache and followed another answered one, the characters its request added to the previous
 * one (each request's prompt is the view before its assistant message) against the input billed uncached.
 */
export function learnNewInputRate(rate: TokenRate, messages: readonly StoredMessageWithParts[]): void {
  const answers = messages.flatMap((message, index) => (message.role === "assistant" ? [index] : []));
  const promptChars = new Map<number, number>();
  const charsBefore = (index: number) => {
    let chars = promptChars.get(index);
    if (chars === undefined) {
      chars = viewChars(toModelView(messages.slice(0, index)));
      promptChars.set(index, chars);
    }
    return chars;
  };
  let learnt = 0;
  for (let n = answers.length - 1; n >= 1 && learnt < STEPS_TO_LEARN_FROM; n--) {
    const index = answers[n] as number;
    const previous = answers[n - 1] as number;
    const usage = messages[index]?.data.usage;
    if (!usage || messages[index]?.data.error || !(usage.cacheRead > 0)) continue;
    // Only two answered steps in a row: after a cut one, what the provider had cached is not known here.
    if (messages[previous]?.data.error || !messages[previous]?.data.usage?.input) continue;
    const added = charsBefore(index) - charsBefore(previous);
    rate.observe(added, usage.input - usage.cacheRead);
    learnt++;
  }
}
