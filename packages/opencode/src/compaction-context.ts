import type { GoalEngine } from "@pursuit/core";

/** A message of OpenCode's as `experimental.chat.messages.transform` hands it over (only what is read here). */
export type TransformMessage = {
  info: { id: string; sessionID: string; role: string };
  parts: { type: string; [key: string]: unknown }[];
};

/**
 * OpenCode's compaction replaces the history, goal context included, and then continues in the same turn (or
 * replays the last user message) without any prompt the plugin could add to. So the goal goes back into the
 * model's view per request: a synthetic text part on the compaction's own user message ("What did we do so
 * far?"), rendered once per compaction and then always the same bytes, so every later request still extends
 * the previous one. Sessions without an active goal at that moment get nothing.
 */
export class CompactionContext {
  /** Compaction message id -> the goal context it carries ("" for none), fixed at first sight. */
  private readonly texts = new Map<string, string>();

  constructor(private readonly engine: GoalEngine) {}

  async transform(messages: TransformMessage[]): Promise<void> {
    const message = messages.findLast(
      (candidate) => candidate.info.role === "user" && candidate.parts.some((part) => part.type === "compaction"),
    );
    if (!message) return;
    const { id, sessionID } = message.info;
    let text = this.texts.get(id);
    if (text === undefined) {
      const restored = await this.engine.compacted(sessionID, { summarised: true });
      text = restored.map((context) => context.text).join("\n\n");
      this.texts.set(id, text);
    }
    if (text === "") return;
    message.parts.push({ id: `${id}_goal`, sessionID, messageID: id, type: "text", text, synthetic: true });
  }
}
