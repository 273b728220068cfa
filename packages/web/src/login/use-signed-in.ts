import { sessionStatus } from "@pursuit/sdk";
import { useQuery } from "@tanstack/react-query";
import { useApi } from "../api/api-context.js";

/** Whether the server takes this tab's requests: false when it wants a password we do not have (401). */
export function useSignedIn() {
  const { client, credentials } = useApi();
  return useQuery({
    queryKey: ["signed-in", credentials],
    queryFn: async () => (await sessionStatus({ client })).response.status !== 401,
  });
}
