import { type Goal, type GoalStatus, goalList } from "@pursuit/sdk";
import { useQuery } from "@tanstack/react-query";
import { useApi } from "../api/api-context.js";
import { unwrap } from "../api/api-error.js";

/** Every goal across sessions (optionally of one status), newest activity first; kept current by the event stream. */
export function useGoals(status: GoalStatus | "all") {
  const { client } = useApi();
  return useQuery({
    queryKey: ["goals", status],
    queryFn: async () => {
      const goals = await unwrap<Goal[]>(
        goalList({ client, ...(status === "all" ? {} : { query: { status } }) }) as never,
      );
      return [...goals].sort((a, b) => b.time.updated - a.time.updated);
    },
  });
}
