import type { TokenRate } from "@pursuit/core";
import type { StepEvent } from "./step.js";

/** Tokens streamed between two checkpoints: a crash loses at most this much output from the charge. */
const CHECKPOINT_EVERY_TOKENS = 16;

/**
 * Counts the output a step streams (text, reasoning, tool calls), estimated at the session's own learnt rate,
 * and saves it every few dozen tokens, so a process killed mid-stream still charges what the model had produced.
 */
export class OutputCheckpoints {
  private bytes = 0;
  private savedTokens = 0;

  constructor(
    private readonly rate: TokenRate,
    private readonly save: (outputTokens: number) => Promise<void>,
  ) {}

  /** The output streamed so far, estimated. */
  get tokens(): number {
    return this.rate.tokensFor(this.bytes);
  }

  /** Bytes of output streamed so far. */
  get streamedBytes(): number {
    return this.bytes;
  }

  async streamed(event: StepEvent): Promise<void> {
    if (event.type === "text-delta" || event.type === "reasoning-delta") this.bytes += Buffer.byteLength(event.text);
    else if (event.type === "tool-call")
      this.bytes += Buffer.byteLength(JSON.stringify(event.call.input ?? {})) + event.call.name.length;
    else return;
    const tokens = this.tokens;
    if (tokens - this.savedTokens < CHECKPOINT_EVERY_TOKENS && event.type !== "tool-call") return;
    this.savedTokens = tokens;
    await this.save(tokens);
  }
}
