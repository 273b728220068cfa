import { type SessionStatus, sessionStatus } from "@pursuit/sdk";
import { useQuery } from "@tanstack/react-query";
import { useApi } from "../api/api-context.js";
import { unwrap } from "../api/api-error.js";

/** Whether a session is working (busy or waiting to retry); the event stream keeps it current. */
export function useSessionStatus(sessionID: string): SessionStatus {
  const { client } = useApi();
  const statuses = useQuery({
    queryKey: ["status"],
    queryFn: () => unwrap<Record<string, SessionStatus>>(sessionStatus({ client }) as never),
  });
  return statuses.data?.[sessionID] ?? { type: "idle" };
}
