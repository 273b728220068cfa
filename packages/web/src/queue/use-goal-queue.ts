import { goalQueueAdd, goalQueueDrop, goalQueueList, goalQueueOrder, type QueuedGoal } from "@pursuit/sdk";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../api/api-context.js";
import { unwrap } from "../api/api-error.js";
import { useApiAction } from "../api/use-api-action.js";

/**
 * A session's queue of next goals and a person's changes to it. Keyed by the goal in front, so the queue is read
 * again when the next goal starts (a completion takes it off the queue).
 */
export function useGoalQueue(sessionID: string, goalID: string | undefined) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const { pending, error, run } = useApiAction();
  const key = ["goal-queue", sessionID, goalID];
  const queue = useQuery({
    queryKey: key,
    queryFn: () => unwrap<QueuedGoal[]>(goalQueueList({ client, path: { id: sessionID } }) as never),
  });

  /** A change to the queue; the queue it answers with is shown at once. */
  const change = (request: () => Promise<QueuedGoal[]>) =>
    run(async () => queryClient.setQueryData(key, await request()));

  const path = { id: sessionID };
  return {
    queue,
    pending,
    error,
    add: (objective: string) => change(() => unwrap(goalQueueAdd({ client, path, body: { objective } }) as never)),
    order: (ids: string[]) => change(() => unwrap(goalQueueOrder({ client, path, body: { ids } }) as never)),
    drop: (queuedID: string) => change(() => unwrap(goalQueueDrop({ client, path: { ...path, queuedID } }) as never)),
  };
}
