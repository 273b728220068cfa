import { sessionStatus } from "@pursuit/sdk";
import { useQuery } from "@tanstack/react-query";
import { useApi } from "../api/api-context.js";

/**
 * What the server lets this tab do: `signedIn` false when it wants a password we do not have (401);
 * `sessions` false on a goals-only server (the OpenCode plugin's goal API has no session routes: 404).
 */
export function useServerAccess() {
  const { client, credentials } = useApi();
  return useQuery({
    queryKey: ["server-access", credentials],
    queryFn: async () => {
      const { response } = await sessionStatus({ client });
      return { signedIn: response.status !== 401, sessions: response.status !== 404 };
    },
  });
}
