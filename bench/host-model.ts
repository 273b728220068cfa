/**
 * The scripted model for the host benchmark, in its own process so its CPU is not counted as the host's.
 * Every continuation turn writes one file, then answers with a short text. Talks to the parent over IPC:
 * sends `{ url }` once listening; answers `"cpu"` with its CPU time so far and `"report"` with the recorded request times and the prefix-reuse summary.
 */
import { messages, startScriptedModel, toolCallsMade } from "@pursuit/testkit";

const latencyMs = Number(process.argv[2] ?? "50");
const model = await startScriptedModel({
  latencyMs,
  behaviour: (request) => {
    if (messages(request).at(-1)?.role === "tool") return { text: "Done with this step." };
    const n = toolCallsMade(request, "write").length + 1;
    return { toolCalls: [{ name: "write", arguments: { path: `file-${n}.txt`, content: `content ${n}\n` } }] };
  },
});

process.on("message", (message) => {
  if (message === "cpu") {
    const cpu = process.cpuUsage();
    process.send?.({ cpuMs: (cpu.user + cpu.system) / 1000 });
    return;
  }
  if (message !== "report") return;
  const reuse = model.prefixReuse();
  process.send?.({
    requests: model.requests.map((request) => ({ time: request.time, conversationKey: request.conversationKey })),
    reuse: {
      pairs: reuse.pairs.length,
      brokenPairs: reuse.brokenPairs.length,
      minReuse: reuse.minReuse,
      meanReuse: reuse.meanReuse,
      conversations: reuse.conversations.length,
    },
  });
});
process.on("disconnect", () => {
  void model.close().then(() => process.exit(0));
});
process.send?.({ url: model.url });
