import { realTimers, type TimerHandle, type Timers } from "@pursuit/driver";

/** How long a model stream may stay silent, unless the plugin's `streamIdleTimeout` option says otherwise. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 120_000;

/**
 * Watches the model streams of running turns: a session whose model sends nothing for the timeout is
 * reported silent (once), so the plugin can cut the stream. Only while the model is answering: a running
 * tool or a question to a person pauses the watch, since long silences there are normal.
 */
export class StreamWatch {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onSilent: (sessionID: string) => void,
    private readonly clock: Timers = realTimers,
  ) {}

  /** The model is answering (a request was sent, or it streamed something): the silence starts over. */
  streaming(sessionID: string): void {
    this.pause(sessionID);
    this.timers.set(
      sessionID,
      this.clock.after(this.timeoutMs, () => {
        this.timers.delete(sessionID);
        this.onSilent(sessionID);
      }),
    );
  }

  /** The model is not answering now (a tool runs, a person is asked, the turn ended). */
  pause(sessionID: string): void {
    this.timers.get(sessionID)?.cancel();
    this.timers.delete(sessionID);
  }

  close(): void {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }
}
