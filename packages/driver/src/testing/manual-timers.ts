import type { TimerHandle, Timers } from "../timers.js";

/** Timers a test fires by hand, at whatever clock time it chooses (early, late, or never). */
export class ManualTimers implements Timers {
  private readonly entries: { delayMs: number; callback: () => void; cancelled: boolean }[] = [];

  after(delayMs: number, callback: () => void): TimerHandle {
    const entry = { delayMs, callback, cancelled: false };
    this.entries.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** The delays of the timers not yet fired or cancelled. */
  pending(): number[] {
    return this.entries.filter((entry) => !entry.cancelled).map((entry) => entry.delayMs);
  }

  /** Fires the one pending timer; it is an error when there is not exactly one. */
  fire(): void {
    const live = this.entries.filter((entry) => !entry.cancelled);
    if (live.length !== 1) throw new Error(`expected one pending timer, found ${live.length}`);
    const entry = live[0] as (typeof live)[number];
    entry.cancelled = true;
    entry.callback();
  }
}
