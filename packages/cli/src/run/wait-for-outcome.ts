import type { Runtime, RuntimeEvent } from "@pursuit/agent";
import { type Goal, isLive } from "@pursuit/core";

/**
 * Resolves once the session has stopped for good: it is idle and its goal is no longer active or waiting
 * (complete, budget_limited, paused, blocked or cleared). While the goal is active an idle session is only
 * between turns (a continuation is due), and a waiting goal wakes by itself, so the wait goes on. Start it once the goal is set.
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
        if (idle && !(goal && isLive(goal))) resolveDone(goal);
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
  return { done, dispose: unsubscribe };
}
