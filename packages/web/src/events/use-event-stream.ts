import { type Event, events } from "@pursuit/sdk";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useApi } from "../api/api-context.js";
import { applyMessageEvent } from "../session/messages-cache.js";

/** What the page knows of its live data: `live`, or why it may be stale. */
export type Connection = "connecting" | "live" | "reconnecting" | "refused";

/**
 * Follows GET /event for the whole app and keeps the query cache current: goal events replace the goal and
 * refresh the lists, message events patch the transcript in place (a streamed answer never refetches it), and a
 * reconnect refetches everything, since events may have been missed meanwhile. The stream retries with backoff
 * by itself; a refusal (wrong password) stops it.
 */
export function useEventStream(onEvent?: (event: Event) => void): Connection {
  const { client } = useApi();
  const queries = useQueryClient();
  const [connection, setConnection] = useState<Connection>("connecting");
  // The latest listener, read at each event: a new listener must not reconnect the stream.
  const listener = useRef(onEvent);
  listener.current = onEvent;

  useEffect(() => {
    const stop = new AbortController();
    let dropped = false;
    setConnection("connecting");
    (async () => {
      try {
        for await (const event of events(client, {
          signal: stop.signal,
          onError: () => {
            dropped = true;
            if (!stop.signal.aborted) setConnection("reconnecting");
          },
        })) {
          if (event.type === "server.connected") {
            setConnection("live");
            if (dropped) await queries.invalidateQueries();
            dropped = false;
          }
          applyEvent(queries, event);
          listener.current?.(event);
        }
      } catch {
        if (!stop.signal.aborted) setConnection("refused");
      }
    })();
    return () => stop.abort();
  }, [client, queries]);

  return connection;
}

function applyEvent(queries: QueryClient, event: Event): void {
  switch (event.type) {
    case "session.goal.updated":
    case "session.goal.continued":
      queries.setQueryData(["goal", event.properties.sessionID], event.properties.goal);
      void queries.invalidateQueries({ queryKey: ["goals"] });
      void queries.invalidateQueries({ queryKey: ["history", event.properties.sessionID] });
      void queries.invalidateQueries({ queryKey: ["spend"] });
      return;
    case "session.goal.cleared":
      queries.setQueryData(["goal", event.properties.sessionID], null);
      void queries.invalidateQueries({ queryKey: ["goals"] });
      return;
    case "session.status":
      queries.setQueryData(["status"], (statuses: Record<string, unknown> | undefined) => ({
        ...statuses,
        [event.properties.sessionID]: event.properties.status,
      }));
      return;
    case "message.updated":
    case "message.part.updated": {
      const sessionID =
        event.type === "message.updated" ? event.properties.info.sessionID : event.properties.part.sessionID;
      queries.setQueryData(["messages", sessionID], (list: Parameters<typeof applyMessageEvent>[0] | undefined) =>
        list ? applyMessageEvent(list, event) : list,
      );
      return;
    }
    case "session.created":
    case "session.updated":
    case "session.deleted":
      void queries.invalidateQueries({ queryKey: ["sessions"] });
      return;
    default:
      return;
  }
}
