import { type BehaviourFunction, messages, toolCallsMade } from "@pursuit/testkit";

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
