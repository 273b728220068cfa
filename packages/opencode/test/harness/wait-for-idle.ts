import { setTimeout as sleep } from "node:timers/promises";
import type { OpencodeClient } from "@opencode-ai/sdk";

export interface WaitForIdleOptions {
  /** Poll interval (default 100 ms). */
  intervalMs?: number;
}

/**
 * Resolves once the session is idle: its status is neither busy nor retry, and its newest message is a completed
 * assistant message (a prompt accepted by `prompt_async` is stored before the 204, so a just-queued turn never
 * looks idle). Rejects after `timeoutMs` naming the last state seen.
 */
export async function waitForIdle(
  client: OpencodeClient,
  sessionID: string,
  timeoutMs: number,
  options: WaitForIdleOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastState = "not polled yet";
  while (Date.now() < deadline) {
    const status = await client.session.status({ signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    const state = status?.data?.[sessionID]?.type ?? (status?.data ? "idle" : "unknown");
    if (state === "idle") {
      const messages = await client.session
        .messages({ path: { id: sessionID }, signal: AbortSignal.timeout(5_000) })
        .catch(() => undefined);
      const newest = messages?.data?.at(-1)?.info;
      if (!newest) return;
      if (newest.role === "assistant" && newest.time.completed !== undefined) return;
      lastState = `idle status but newest message is ${newest.role} ${newest.id} (not completed)`;
    } else {
      lastState = `status ${state}`;
    }
    await sleep(options.intervalMs ?? 100);
  }
  throw new Error(`session ${sessionID} not idle within ${timeoutMs} ms (${lastState})`);
}
