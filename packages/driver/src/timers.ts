/** A pending callback that can be called off. */
export type TimerHandle = { cancel(): void };

/** Timers reach the driver through this port, so tests can fire them when they choose (early, late, never). */
export interface Timers {
  /** Calls `callback` after `delayMs`; with 0 or less, on the next turn of the event loop. */
  after(delayMs: number, callback: () => void): TimerHandle;
}

/** The runtime's own timers (Node and Bun). A delay of 0 uses setImmediate: no timer's minimum delay. */
export const realTimers: Timers = {
  after(delayMs, callback) {
    if (delayMs <= 0) {
      const immediate = setImmediate(callback);
      return { cancel: () => clearImmediate(immediate) };
    }
    const timeout = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timeout) };
  },
};
