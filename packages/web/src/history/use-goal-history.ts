import { type GoalHistoryEntry, goalHistory } from "@pursuit/sdk";
import { useQuery } from "@tanstack/react-query";
import { useApi } from "../api/api-context.js";
import { unwrap } from "../api/api-error.js";

/** The session's goal history, oldest first; refetched when the goal changes (see the event stream). */
export function useGoalHistory(sessionID: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: ["history", sessionID],
    queryFn: () => unwrap<GoalHistoryEntry[]>(goalHistory({ client, path: { id: sessionID } }) as never),
  });
}
