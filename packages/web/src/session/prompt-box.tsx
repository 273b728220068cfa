import { sessionAbort, sessionPromptAsync } from "@pursuit/sdk";
import { type FormEvent, useState } from "react";
import { useApi } from "../api/api-context.js";
import { unwrap } from "../api/api-error.js";
import { useSessionStatus } from "./use-session-status.js";
import "./prompt-box.css";

/** Write to the session's model; Stop aborts the running turn (which pauses an active goal). */
export function PromptBox({ sessionID }: { sessionID: string }) {
  const { client } = useApi();
  const status = useSessionStatus(sessionID);
  const [text, setText] = useState("");
  const [error, setError] = useState<string>();
  const working = status.type !== "idle";

  async function send(event: FormEvent) {
    event.preventDefault();
    if (text.trim() === "") return;
    setError(undefined);
    try {
      await unwrap(sessionPromptAsync({ client, path: { id: sessionID }, body: { text } }) as never);
      setText("");
    } catch (cause) {
      setError((cause as Error).message);
    }
  }

  async function stop() {
    setError(undefined);
    await unwrap(sessionAbort({ client, path: { id: sessionID } }) as never).catch((cause: Error) =>
      setError(cause.message),
    );
  }

  return (
    <form className="prompt-box" onSubmit={send}>
      <label htmlFor="prompt" className="visually-hidden">
        Message to the model
      </label>
      <textarea
        id="prompt"
        rows={2}
        placeholder="Message the model…"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey) send(event);
        }}
      />
      <div className="prompt-actions">
        <span className="prompt-state" aria-live="polite">
          {status.type === "retry" ? `Retrying: ${status.message}` : working ? "Working…" : "Idle"}
        </span>
        <button type="button" onClick={stop} disabled={!working}>
          Stop
        </button>
        <button type="submit" disabled={text.trim() === ""}>
          Send
        </button>
      </div>
      {error ? (
        <p role="alert" className="field-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
