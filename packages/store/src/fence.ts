import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The lease a replica drives a session under: its holder and the fencing token the database gave it. Work started
 * under a fence (a turn, a continuation) carries it through every await; the PostgreSQL stores refuse that work's
 * writes to the session once the lease has moved on, so a replica that froze and woke up cannot charge, append or
 * deliver after another took over. Writes made outside a fence (a person's pause through any replica) are not
 * fenced.
 */
export type Fence = { sessionID: string; holder: string; token: number };

const fences = new AsyncLocalStorage<Fence>();

/** Runs `work` (and everything it starts) under `fence`. */
export function runFenced<T>(fence: Fence, work: () => T): T {
  return fences.run(fence, work);
}

/** The fence the current work runs under for `sessionID`, if any. */
export function activeFence(sessionID: string): Fence | undefined {
  const fence = fences.getStore();
  return fence?.sessionID === sessionID ? fence : undefined;
}

/** Whether the current work runs under any fence. */
export function anyFence(): boolean {
  return fences.getStore() !== undefined;
}

/** A write under a lease that has moved on (expired, or taken by another replica). */
export class LeaseLostError extends Error {
  readonly code = "lease_lost";
  constructor(
    readonly sessionID: string,
    readonly holder: string,
  ) {
    super(`the lease on session ${sessionID} is no longer held by ${holder}; the write was refused`);
    this.name = "LeaseLostError";
  }
}
