import type { MessageWithParts, Part } from "@pursuit/sdk";
import "./message-view.css";

/** One transcript message: people's and the model's text, tool calls with their output folded, goal context marked. */
export function MessageView({ message }: { message: MessageWithParts }) {
  const parts = message.parts.filter((part) => shown(part));
  if (parts.length === 0 && !message.data.error) return null;
  const goalContext = parts.length > 0 && parts.every((part) => part.data.type === "goal-context");
  const who =
    message.role === "assistant"
      ? "Model"
      : message.role === "system"
        ? "Runtime"
        : goalContext
          ? "Goal context"
          : "You";
  return (
    <article className={`message message-${message.role}${goalContext ? " message-goal-context" : ""}`}>
      <h2 className="message-who">{who}</h2>
      {parts.map((part) => (
        <PartView key={part.id} part={part} />
      ))}
      {message.data.error ? <p className="message-error">Error: {message.data.error.message}</p> : null}
    </article>
  );
}

function shown(part: Part): boolean {
  return part.data.type !== "step-start" && part.data.type !== "step-finish";
}

function PartView({ part }: { part: Part }) {
  const data = part.data;
  switch (data.type) {
    case "text":
      return <p className="part-text">{data.text}</p>;
    case "reasoning":
      return (
        <details className="part-reasoning">
          <summary>Reasoning</summary>
          <p>{data.text}</p>
        </details>
      );
    case "goal-context":
      return (
        <details className="part-goal-context">
          <summary>Goal context ({data.template.replaceAll("_", " ")}), sent to the model</summary>
          <pre>{data.text}</pre>
        </details>
      );
    case "tool": {
      const state = data.state;
      const output = state.status === "completed" ? state.output : state.status === "error" ? state.error : "";
      return (
        <details className="part-tool">
          <summary>
            Tool <code>{data.tool}</code> <span className={`tool-state tool-${state.status}`}>{state.status}</span>
          </summary>
          <pre className="tool-input">{JSON.stringify(state.input ?? {}, null, 2)}</pre>
          {output ? <pre className="tool-output">{output}</pre> : null}
        </details>
      );
    }
    case "compaction":
      return (
        <details className="part-compaction">
          <summary>
            Context compacted for the model ({data.summary ? "summarised" : "old tool outputs dropped"}): ~
            {data.tokensBefore} → ~{data.tokensAfter} tokens. Every message stays here.
          </summary>
          {data.summary ? <pre>{data.summary}</pre> : null}
        </details>
      );
    default:
      return null;
  }
}
