import { ESTIMATE_BYTES_PER_TOKEN } from "@pursuit/core";
import type { StepEvent } from "./step.js";

/** Tokens streamed between two checkpoints: a crash loses at most this much output from the charge. */
const CHECKPOINT_EVERY_TOKENS = 64;

/**
 * Counts the output a step streams (text, reasoning, tool calls; estimated conservatively) and saves it every
 * few dozen tokens, so a process killed mid-stream still charges what the model had produced.
 */
export class OutputCheckpoints {
  private bytes = 0;
  private savedTokens = 0;

  constructor(private readonly save: (outputTokens: number) => Promise<void>) {}

  /** The output streamed so far, estimated. */
  get tokens(): number {
    return Math.ceil(this.bytes / ESTIMATE_BYTES_PER_TOKEN);
  }

  async streamed(event: StepEvent): Promise<void> {
    if (event.type === "text-delta" || event.type === "reasoning-delta") this.bytes += event.text.length;
    else if (event.type === "tool-call")
      this.bytes += JSON.stringify(event.call.input ?? {}).length + event.call.name.length;
    else return;
    const tokens = Math.ceil(this.bytes / ESTIMATE_BYTES_PER_TOKEN);
    if (tokens - this.savedTokens < CHECKPOINT_EVERY_TOKENS && event.type !== "tool-call") return;
    this.savedTokens = tokens;
    await this.save(tokens);
  }
}
