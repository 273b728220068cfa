import { type Goal, goalGet } from "@pursuit/sdk";
import { useQuery } from "@tanstack/react-query";
import { useApi } from "../api/api-context.js";
import { unwrap } from "../api/api-error.js";

/** A session's goal (null when it has none); the event stream replaces it on every change. */
export function useGoal(sessionID: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: ["goal", sessionID],
    queryFn: async () => (await unwrap<Goal | null>(goalGet({ client, path: { id: sessionID } }) as never)) ?? null,
  });
}
