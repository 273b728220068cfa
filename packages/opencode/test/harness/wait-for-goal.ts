import { type Client, goalGet } from "@pursuit/sdk";
import { pollUntil } from "@pursuit/testkit";

/**
 * Resolves with the session's goal, read through the plugin's API, once `test` accepts it (typed as the caller
 * views it); rejects after `timeoutMs` naming the session.
 */
export function waitForGoal<Goal>(
  api: Client,
  sessionID: string,
  test: (goal: Goal) => boolean,
  timeoutMs = 60_000,
): Promise<Goal> {
  return pollUntil(
    `goal of ${sessionID}`,
    async () => {
      const goal = (await goalGet({ client: api, path: { id: sessionID } })).data as Goal | null;
      return goal && test(goal) ? goal : undefined;
    },
    timeoutMs,
  );
}
