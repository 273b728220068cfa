import { type BehaviourFunction, lastUserText, messages, messageText, toolCallsMade } from "@pursuit/testkit";

/** One file per turn: write it, then say so and stop; after a5, complete the goal with evidence. */
export const fileByFileBehaviour =
  (count: number): BehaviourFunction =>
  (request) => {
    const last = messages(request).at(-1);
    if (last?.role === "tool") return { text: "Done with this step." };
    const written = toolCallsMade(request, "write").length;
    if (written < count) {
      const name = `a${written + 1}.txt`;
      return { toolCalls: [{ name: "write", arguments: { path: name, content: `file ${name}\n` } }] };
    }
    return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: `a1..a${count} exist` } }] };
  };

/** What the summary instruction asks for; a request whose last user message has it wants a summary. */
const SUMMARY_ASKED = /handoff summary/;

/**
 * A goal of `count` parts, one per turn: part K runs a command printing `linesPerPart` lines (~3.5k tokens at
 * the default), then says so and stops; after the last part it completes the goal. It knows which parts are
 * done only from what it sees (the commands in its view and "parts done: N" in a summary), as a model would;
 * asked for a handoff summary, it writes one with that count.
 */
export const largeOutputParts =
  (count: number, linesPerPart = 560): BehaviourFunction =>
  (request) => {
    const visible = messages(request);
    const texts = visible.map((message) => messageText(message)).join("\n");
    const summarised = Math.max(0, ...[...texts.matchAll(/parts done: (\d+)/g)].map((match) => Number(match[1])));
    const ran = toolCallsMade(request, "bash").map((call) =>
      Number(/part-(\d+)/.exec(JSON.stringify(call.arguments))?.[1] ?? 0),
    );
    const done = Math.max(summarised, ...ran);
    if (SUMMARY_ASKED.test(lastUserText(request))) {
      return {
        text: `## Objective\nPrint ${count} parts.\n## Done so far\nparts done: ${done}\n## Next steps\nPart ${done + 1}.`,
      };
    }
    const last = visible.at(-1);
    if (last?.role === "tool") return { text: `Part ${done} printed.` };
    if (done < count) {
      const part = done + 1;
      const command = `yes "part-${part}: a line of build output" | head -n ${linesPerPart}`;
      return { toolCalls: [{ name: "bash", arguments: { command } }] };
    }
    return {
      toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: `parts 1..${count} printed` } }],
    };
  };
