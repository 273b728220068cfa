import type { Clock } from "@pursuit/core";
import type { Store } from "@pursuit/store";
import { INTERRUPTED_TOOL_OUTPUT } from "./message-conversion.js";
import type { TranscriptWriter } from "./transcript-writer.js";

/**
 * Tool calls a process that died (or a replica that lost the session) left pending or running never finished:
 * they become errors saying so, so the model sees a result for every call it made.
 */
export async function markInterruptedTools(
  store: Pick<Store, "messages">,
  writer: TranscriptWriter,
  clock: Clock,
  sessionID: string,
): Promise<void> {
  const messages = await store.messages.listMessages(sessionID);
  for (const message of messages) {
    for (const part of message.parts) {
      const data = part.data;
      if (data.type !== "tool" || (data.state.status !== "pending" && data.state.status !== "running")) continue;
      const now = clock.now();
      await writer.updatePart(part, {
        ...data,
        state: {
          status: "error",
          input: data.state.input,
          error: INTERRUPTED_TOOL_OUTPUT,
          time: { start: now, end: now },
        },
      });
    }
  }
}
