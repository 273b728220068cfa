import { GoalPanel } from "../goal-panel/goal-panel.js";
import { PromptBox } from "./prompt-box.js";
import { Transcript } from "./transcript.js";
import "./session-page.css";

/** A session: its transcript and prompt box, the goal panel beside them. */
export function SessionPage({ sessionID }: { sessionID: string }) {
  return (
    <div className="session-page">
      <section className="session-main" aria-labelledby="session-title">
        <h1 id="session-title" className="session-title">
          Session <code>{sessionID}</code>
        </h1>
        <Transcript sessionID={sessionID} />
        <PromptBox sessionID={sessionID} />
      </section>
      <GoalPanel sessionID={sessionID} />
    </div>
  );
}
