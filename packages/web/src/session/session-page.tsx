import { GoalPanel } from "../goal-panel/goal-panel.js";
import { PromptBox } from "./prompt-box.js";
import { Transcript } from "./transcript.js";
import "./session-page.css";

/**
 * A session: its transcript and prompt box, the goal panel beside them. On a goals-only server (the OpenCode
 * plugin) the transcript and prompts live in OpenCode's own interface: said so, never shown broken.
 */
export function SessionPage({ sessionID, sessions }: { sessionID: string; sessions: boolean }) {
  return (
    <div className="session-page">
      <section className="session-main" aria-labelledby="session-title">
        <h1 id="session-title" className="session-title">
          Session <code>{sessionID}</code>
        </h1>
        {sessions ? (
          <>
            <Transcript sessionID={sessionID} />
            <PromptBox sessionID={sessionID} />
          </>
        ) : (
          <p className="session-elsewhere">
            This session runs in OpenCode: its transcript and prompt are in OpenCode's own interface (the TUI, or{" "}
            <code>opencode web</code>). Its goal is here.
          </p>
        )}
      </section>
      <GoalPanel sessionID={sessionID} />
    </div>
  );
}
