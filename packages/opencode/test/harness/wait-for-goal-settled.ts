import { setTimeout as sleep } from "node:timers/promises";
import { type Client, goalContinuation } from "@pursuit/sdk";

/**
 * Resolves once the plugin's driver says nothing more happens in the session without someone acting: no turn
 * running, no continuation scheduled or starting. Rejects after `timeoutMs` naming the last state seen.
 */
export async function waitForGoalSettled(api: Client, sessionID: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "not asked yet";
  while (Date.now() < deadline) {
    const answer = await goalContinuation({ client: api, path: { id: sessionID } }).catch(() => undefined);
    if (answer?.data?.state === "none") return;
    last = JSON.stringify(answer?.data ?? answer?.error ?? "no answer");
    await sleep(50);
  }
  throw new Error(`session ${sessionID} still has work pending after ${timeoutMs} ms: ${last}`);
}
