import type { OpencodeClient } from "@opencode-ai/sdk";
import type { CeilingGuard } from "@pursuit/core";
import type { GoalQueueRunner } from "@pursuit/driver";
import { createGoalApi, type RunningServer } from "@pursuit/server";
import { webAppDirectory } from "@pursuit/web";
import type { GoalEventHub } from "./goal-event-hub.js";
import type { OpencodeGoalHost } from "./goal-host.js";

/** What the goal API serves: the plugin's goal host, queues, spend ceilings and goal events. */
export type GoalApiParts = {
  host: OpencodeGoalHost;
  queue: GoalQueueRunner;
  ceilings: CeilingGuard;
  client: OpencodeClient;
  goalEvents: GoalEventHub;
};

/**
 * Pursuit's goal routes (GET|POST|PATCH|DELETE /session/:id/goal, history, GET /goal), the goal events
 * (GET /event) and the web app served by the plugin on loopback, so the generated SDK, `pursuit goal --url` and
 * the browser control OpenCode sessions like Pursuit's own.
 */
export async function startGoalApi(parts: GoalApiParts, port: number): Promise<RunningServer> {
  const { host, queue, ceilings, client, goalEvents } = parts;
  const engine = host.engine;
  const api = createGoalApi({
    webApp: webAppDirectory,
    runtime: {
      subscribe: (listener) => goalEvents.subscribe(listener),
      spend: () => ceilings.report(),
      sessions: {
        get: async (id) => {
          const response = await client.session.get({ path: { id } });
          return response.data ?? undefined;
        },
      },
      goals: {
        get: (sessionID) => engine.getGoal(sessionID),
        create: (sessionID, input) => host.createGoal(sessionID, input),
        update: (sessionID, patch) => host.updateGoal(sessionID, patch),
        clear: (sessionID) => host.clearGoal(sessionID),
        history: (sessionID) => engine.history(sessionID),
        list: (filter) => engine.listGoals(filter),
        continuation: (sessionID) => host.continuation(sessionID),
        queue: {
          list: (sessionID) => queue.list(sessionID),
          add: (sessionID, goal) => queue.add(sessionID, goal),
          order: (sessionID, ids) => queue.order(sessionID, ids),
          drop: (sessionID, id) => queue.drop(sessionID, id),
          advancing: (sessionID) => queue.advancing(sessionID),
        },
      },
    },
    logError: (error) => console.error("[opencode-pursuit] goal api error", error),
  });
  return api.serve({ port, hostname: "127.0.0.1" });
}
