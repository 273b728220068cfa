import { setTimeout as sleep } from "node:timers/promises";
import type { RecordedRequest } from "./types.js";

/** The high-resolution wall clock in epoch milliseconds (fractional), comparable with Date.now(). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Recorded requests plus waiting helpers; waiters are woken whenever a request arrives or changes. */
export class RequestLog {
  readonly requests: RecordedRequest[] = [];
  private waiters = new Set<() => void>();

  add(request: RecordedRequest): void {
    this.requests.push(request);
    this.changed();
  }

  /** Call after mutating a recorded request (reply chosen, response finished, client gone). */
  changed(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Earlier requests with the same conversation key, oldest first. */
  conversationOf(request: RecordedRequest): RecordedRequest[] {
    return this.requests.filter(
      (other) => other.conversationKey === request.conversationKey && other.index < request.index,
    );
  }

  /** Requests that arrived strictly after `time` (epoch ms). */
  requestsAfter(time: number): RecordedRequest[] {
    return this.requests.filter((request) => request.time > time);
  }

  /**
   * Resolves once `predicate` holds (checked now and after every change), with its truthy result.
   * Rejects after `timeoutMs` with a message that says what was awaited and how many requests were seen.
   */
  async waitUntil<T>(predicate: () => T | undefined | false | null, timeoutMs: number, what: string): Promise<T> {
    const immediate = predicate();
    if (immediate) return immediate;
    const abort = new AbortController();
    try {
      return await new Promise<T>((resolve, reject) => {
        const check = () => {
          const result = predicate();
          if (result) resolve(result);
        };
        this.waiters.add(check);
        sleep(timeoutMs, undefined, { signal: abort.signal }).then(
          () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${this.requests.length} seen)`)),
          () => {},
        );
        abort.signal.addEventListener("abort", () => this.waiters.delete(check));
      });
    } finally {
      abort.abort();
    }
  }

  /** Resolves with the first `count` requests once that many have arrived. */
  waitForRequests(count: number, timeoutMs: number): Promise<RecordedRequest[]> {
    return this.waitUntil(
      () => (this.requests.length >= count ? this.requests.slice(0, count) : undefined),
      timeoutMs,
      `${count} request(s)`,
    );
  }
}
