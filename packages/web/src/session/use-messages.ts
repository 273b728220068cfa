import { type MessageWithParts, sessionMessages } from "@pursuit/sdk";
import { useQuery } from "@tanstack/react-query";
import { useApi } from "../api/api-context.js";
import { unwrap } from "../api/api-error.js";

/** A session's transcript; the event stream patches it as messages stream in. */
export function useMessages(sessionID: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: ["messages", sessionID],
    queryFn: () => unwrap<MessageWithParts[]>(sessionMessages({ client, path: { id: sessionID } }) as never),
  });
}
