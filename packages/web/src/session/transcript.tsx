import { useEffect, useRef } from "react";
import { MessageView } from "./message-view.js";
import { useMessages } from "./use-messages.js";
import "./transcript.css";

/** The session's messages, streaming in; follows the end while the reader is at the end. */
export function Transcript({ sessionID }: { sessionID: string }) {
  const messages = useMessages(sessionID);
  const end = useRef<HTMLDivElement>(null);
  const count = messages.data?.length ?? 0;
  const lastParts = messages.data?.at(-1)?.parts.length ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when the transcript grows
  useEffect(() => {
    const box = end.current?.parentElement;
    if (box && box.scrollHeight - box.scrollTop - box.clientHeight < 200) end.current?.scrollIntoView({ block: "end" });
  }, [count, lastParts]);
  if (messages.isPending) return <p>Loading the transcript…</p>;
  if (messages.error) return <p role="alert">Could not load the transcript: {messages.error.message}</p>;
  return (
    <section className="transcript" aria-label="Transcript">
      {messages.data.length === 0 ? <p className="transcript-empty">No messages yet.</p> : null}
      {messages.data.map((message) => (
        <MessageView key={message.id} message={message} />
      ))}
      <div ref={end} />
    </section>
  );
}
