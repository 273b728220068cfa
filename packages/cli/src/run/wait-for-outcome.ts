import type { Runtime, RuntimeEvent } from "@pursuit/agent";
import { type Goal, isLive } from "@pursuit/core";

/**
 * Resolves once the session has stopped for good: it is idle and its goal is no longer active or waiting
 * (complete, budget_limited, paused, blocked or cleared), and a completed goal has no queued goal after it.
 * While the goal is active an idle session is only between turns (a continuation is due), a waiting goal wakes by
 * itself, and a completed one makes way for the next queued goal, so the wait goes on. Start it once the goal is set.
 */
export function waitForOutcome(
  runtime: Runtime,
  sessionID: string,
): { done: Promise<Goal | undefined>; dispose: () => void } {
  let resolveDone!: (goal: Goal | undefined) => void;
  const done = new Promise<Goal | undefined>((resolve) => {
    resolveDone = resolve;
  });
  let checking = false;
  let again = false;
  const check = async () => {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    try {
      do {
        again = false;
        const idle = !(sessionID in runtime.status());
        const goal = await runtime.goals.get(sessionID);
        const nextQueued =
          goal?.status === "complete" &&
          (runtime.goals.queue.advancing(sessionID) || (await runtime.goals.queue.list(sessionID)).length > 0);
        if (idle && !(goal && isLive(goal)) && !nextQueued) resolveDone(goal);
      } while (again);
    } finally {
      checking = false;
    }
  };
  const unsubscribe = runtime.subscribe((event: RuntimeEvent) => {
    const mine = "sessionID" in event.properties && event.properties.sessionID === sessionID;
    if (mine && /^session\.(idle|status|goal\.)/.test(event.type)) void check();
  });
  void check();
  // A queued goal refused when its turn came changes nothing anyone hears of: look again now and then.
  const fallback = setInterval(() => void check(), 1000);
  return {
    done,
    dispose: () => {
      clearInterval(fallback);
      unsubscribe();
    },
  };
}
