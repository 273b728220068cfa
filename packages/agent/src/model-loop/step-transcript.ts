import type { TranscriptWriter } from "../transcript-writer.js";
import type { StepEvent } from "./step.js";
import { StepRecorder } from "./step-recorder.js";

const ABORTED = "[aborted]";

/**
 * The assistant message(s) one model step writes: one per attempt that streamed something. A retry after a
 * failure that streamed nothing answers in the same message; an attempt that broke off mid-answer keeps what it
 * streamed, marked failed, and the retry answers in a message of its own.
 */
export class StepTranscript {
  private current: { messageID: string; recorder: StepRecorder } | undefined;
  private lastMessageID = "";

  constructor(
    private readonly writer: TranscriptWriter,
    private readonly sessionID: string,
    private readonly modelRef: string,
    private readonly now: () => number,
  ) {}

  /** The message the step's latest attempt wrote to. */
  get messageID(): string {
    return this.lastMessageID;
  }

  /** An attempt starts, charged as `stepID`. */
  async attempt(stepID: string): Promise<void> {
    if (this.current) return;
    const message = await this.writer.appendAssistant(this.sessionID, { model: this.modelRef }, [
      { type: "step-start", stepID },
    ]);
    this.lastMessageID = message.id;
    this.current = { messageID: message.id, recorder: new StepRecorder(this.writer, message.id, this.now) };
  }

  readonly onEvent = async (event: StepEvent): Promise<void> => {
    await this.current?.recorder.onEvent(event);
  };

  /** The attempt broke off after it streamed part of an answer (charged, since billed); it is sent again. */
  async brokeOff(): Promise<void> {
    await this.failed({ name: "StreamError", message: "the answer broke off; the request was sent again" });
    this.current = undefined;
  }

  /** The step failed or was aborted: its message says so and its unfinished tool calls are marked aborted. */
  async failed(error: { name: string; message: string }): Promise<void> {
    if (!this.current) return;
    await this.current.recorder.flushOpenBlocks();
    await this.current.recorder.failUnfinishedTools(ABORTED);
    await this.writer.updateMessage(this.current.messageID, { model: this.modelRef, error }, this.now());
  }

  /** The step's recorder, for its tool calls (the step finished, so an attempt ran). */
  get recorder(): StepRecorder {
    if (!this.current) throw new Error("no attempt of this step ran");
    return this.current.recorder;
  }
}
