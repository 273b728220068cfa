import { goalQueueAdd, goalQueueDrop, goalQueueList, goalQueueOrder, type QueuedGoal } from "@pursuit/sdk";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../api/api-context.js";
import { type ApiError, ApiRequestError, unwrap } from "../api/api-error.js";

/**
 * A session's queue of next goals and a person's changes to it. Keyed by the goal in front, so the queue is read
 * again when the next goal starts (a completion takes it off the queue).
 */
export function useGoalQueue(sessionID: string, goalID: string | undefined) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError>();
  const key = ["goal-queue", sessionID, goalID];
  const queue = useQuery({
    queryKey: key,
    queryFn: () => unwrap<QueuedGoal[]>(goalQueueList({ client, path: { id: sessionID } }) as never),
  });

  async function change(request: () => Promise<QueuedGoal[]>): Promise<boolean> {
    setPending(true);
    setError(undefined);
    try {
      queryClient.setQueryData(key, await request());
      return true;
    } catch (cause) {
      setError(cause instanceof ApiRequestError ? cause.detail : { code: "error", message: String(cause) });
      return false;
    } finally {
      setPending(false);
    }
  }

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
