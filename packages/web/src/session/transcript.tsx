import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { MessageView } from "./message-view.js";
import { useMessages } from "./use-messages.js";
import "./transcript.css";

/** Messages are about this tall before they are measured. */
const ESTIMATED_MESSAGE_PX = 110;

/**
 * The session's messages, streaming in. Only those near the viewport are rendered (a 2,000-message session
 * opens as fast as a short one); it opens at the end and follows new messages while the reader is there.
 */
export function Transcript({ sessionID }: { sessionID: string }) {
  const messages = useMessages(sessionID);
  const box = useRef<HTMLElement>(null);
  const list = messages.data ?? [];
  const virtualizer = useVirtualizer({
    count: list.length,
    getScrollElement: () => box.current,
    estimateSize: () => ESTIMATED_MESSAGE_PX,
    overscan: 6,
    getItemKey: (index) => list[index]?.id ?? index,
  });
  const count = list.length;
  const lastParts = list.at(-1)?.parts.length ?? 0;
  const atEnd = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the end when the transcript grows
  useEffect(() => {
    if (count > 0 && atEnd.current) virtualizer.scrollToIndex(count - 1, { align: "end" });
  }, [count, lastParts]);

  if (messages.isPending) return <p>Loading the transcript…</p>;
  if (messages.error) return <p role="alert">Could not load the transcript: {messages.error.message}</p>;
  return (
    <section
      ref={box}
      className="transcript"
      aria-label="Transcript"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region needs focus to scroll by keyboard
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        atEnd.current = element.scrollHeight - element.scrollTop - element.clientHeight < 200;
      }}
    >
      {count === 0 ? <p className="transcript-empty">No messages yet.</p> : null}
      <div className="transcript-items" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const message = list[item.index];
          return message ? (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="transcript-item"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <MessageView message={message} />
            </div>
          ) : null;
        })}
      </div>
    </section>
  );
}
