import type { PartData, StoredPart, ToolState } from "@pursuit/store";
import type { TranscriptWriter } from "../transcript-writer.js";
import type { StepEvent, StepToolCall } from "./step.js";

type Block = { part: StoredPart; text: string; kind: "text" | "reasoning" };

/**
 * Persists what one model step streams into its assistant message: a part per text or reasoning block
 * (written when the block ends, deltas announced as events) and a tool part per call, which then moves
 * from pending to running (announced only) to completed or error.
 */
export class StepRecorder {
  private readonly blocks = new Map<string, Block>();
  private readonly tools = new Map<string, { part: StoredPart; input: unknown; start?: number }>();

  constructor(
    private readonly writer: TranscriptWriter,
    private readonly messageID: string,
    private readonly now: () => number,
  ) {}

  readonly onEvent = async (event: StepEvent): Promise<void> => {
    switch (event.type) {
      case "text-start":
      case "reasoning-start": {
        const kind = event.type === "text-start" ? "text" : "reasoning";
        const part = await this.writer.appendPart(this.messageID, { type: kind, text: "" });
        this.blocks.set(blockKey(kind, event.id), { part, text: "", kind });
        break;
      }
      case "text-delta":
      case "reasoning-delta": {
        const block = this.blocks.get(blockKey(event.type === "text-delta" ? "text" : "reasoning", event.id));
        if (!block) break;
        block.text += event.text;
        block.part = this.writer.announce(block.part, { type: block.kind, text: block.text }, event.text);
        break;
      }
      case "text-end":
      case "reasoning-end": {
        const key = blockKey(event.type === "text-end" ? "text" : "reasoning", event.id);
        const block = this.blocks.get(key);
        if (!block) break;
        this.blocks.delete(key);
        await this.writer.updatePart(block.part, { type: block.kind, text: block.text });
        break;
      }
      case "tool-call":
        await this.toolCalled(event.call);
        break;
    }
  };

  private async toolCalled(call: StepToolCall): Promise<void> {
    const data: PartData = {
      type: "tool",
      callID: call.id,
      tool: call.name,
      state: { status: "pending", input: call.input },
    };
    const part = await this.writer.appendPart(this.messageID, data);
    this.tools.set(call.id, { part, input: call.input });
  }

  /** Writes out blocks the stream left open (an abort mid-text keeps what was said so far). */
  async flushOpenBlocks(): Promise<void> {
    for (const [key, block] of this.blocks) {
      this.blocks.delete(key);
      await this.writer.updatePart(block.part, { type: block.kind, text: block.text });
    }
  }

  async toolRunning(callID: string): Promise<void> {
    const tool = this.tools.get(callID);
    if (!tool) return;
    tool.start = this.now();
    const data = tool.part.data;
    if (data.type !== "tool") return;
    tool.part = this.writer.announce(tool.part, {
      ...data,
      state: { status: "running", input: tool.input, time: { start: tool.start } },
    });
  }

  async toolFinished(
    callID: string,
    outcome: { output: string; isError: boolean; metadata?: Record<string, unknown> },
  ) {
    const tool = this.tools.get(callID);
    if (!tool) return;
    const time = { start: tool.start ?? this.now(), end: this.now() };
    const state: ToolState = outcome.isError
      ? { status: "error", input: tool.input, error: outcome.output, time }
      : {
          status: "completed",
          input: tool.input,
          output: outcome.output,
          ...(outcome.metadata ? { metadata: outcome.metadata } : {}),
          time,
        };
    await this.setToolState(callID, state);
  }

  /** Tool calls that never ran (aborted, or refused at a limit) get an error result saying why. */
  async failUnfinishedTools(reason: string): Promise<void> {
    for (const [callID, tool] of this.tools) {
      const data = tool.part.data;
      if (data.type === "tool" && (data.state.status === "pending" || data.state.status === "running")) {
        await this.toolFinished(callID, { output: reason, isError: true });
      }
    }
  }

  private async setToolState(callID: string, state: ToolState): Promise<void> {
    const tool = this.tools.get(callID);
    if (!tool) return;
    const data = tool.part.data;
    if (data.type !== "tool") return;
    tool.part = await this.writer.updatePart(tool.part, { ...data, state });
  }
}

const blockKey = (kind: string, id: string) => `${kind}:${id}`;
