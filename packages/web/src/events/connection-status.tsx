import type { Connection } from "./use-event-stream.js";
import "./connection-status.css";

const TEXT: Record<Connection, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting… (data may be stale)",
  refused: "Offline: the server refused the event stream",
};

/** Where live data is shown, whether it is live: a polite status region, never color alone. */
export function ConnectionStatus({ connection }: { connection: Connection }) {
  return (
    <output className={`connection connection-${connection}`} aria-live="polite" data-connection={connection}>
      <span aria-hidden="true" className="connection-dot" />
      {TEXT[connection]}
    </output>
  );
}
