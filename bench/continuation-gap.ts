/**
 * The continuation gap: how long a goal session with nothing else to do takes, after a turn that made progress
 * ends, to send the next turn's first request (the model's last answer fully sent -> the next request
 * arriving). One session, each turn a write and then a short answer, a turns limit; the median over its turns.
 * Measured in the native host and in a real `opencode serve` with the Pursuit plugin (needs `npm run build`).
 *
 * Run: `npx tsx --conditions=@pursuit/source bench/continuation-gap.ts` (printed by `npm run bench -- host`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime } from "@pursuit/agent";
import { createPursuitClient, goalCreate, goalGet } from "@pursuit/sdk";
import { pollUntil, type RecordedRequest, type ScriptedModel, startScriptedModel } from "@pursuit/testkit";
import {
  createOpencodeProject,
  createSession,
  freePort,
  repoRoot,
  startOpencodeServe,
  subscribeEvents,
} from "../packages/opencode/test/harness/index.js";
import { percentile } from "./stats.js";

const TURNS = 12;

/** Each turn writes one file (progress), then answers in a few words. */
function progressModel(pathArgument: "path" | "filePath"): Promise<ScriptedModel> {
  return startScriptedModel({
    behaviour: (request) => {
      const last = request.body.messages.at(-1);
      if (last?.role === "tool") return { text: "Wrote it." };
      const n = request.body.messages.filter((message) => message.role === "tool").length + 1;
      return { toolCalls: [{ name: "write", arguments: { [pathArgument]: `file-${n}.txt`, content: `${n}\n` } }] };
    },
  });
}

/** Milliseconds from each turn's last answer (text, no tool call) to the next request of the conversation. */
export function continuationGaps(requests: readonly RecordedRequest[]): number[] {
  const gaps: number[] = [];
  for (let index = 1; index < requests.length; index++) {
    const previous = requests[index - 1] as RecordedRequest;
    const next = requests[index] as RecordedRequest;
    const endedTurn = previous.response?.status === 200 && previous.response.toolCalls.length === 0;
    if (!endedTurn || previous.respondedAt === undefined || previous.conversationKey !== next.conversationKey) continue;
    gaps.push(next.time - previous.respondedAt);
  }
  return gaps.sort((a, b) => a - b);
}

/** The native host (`createRuntime`, as `pursuit serve` runs it): median gap in ms. */
export async function nativeGap(): Promise<number[]> {
  const model = await progressModel("path");
  const root = mkdtempSync(join(tmpdir(), "pursuit-bench-gap-"));
  const runtime = await createRuntime({
    database: join(root, "pursuit.db"),
    directory: root,
    recover: false,
    config: { model: "bench/scripted", provider: { bench: { type: "openai-compatible", baseURL: model.url } } },
  });
  try {
    const session = await runtime.sessions.create({ directory: root });
    await runtime.goals.create(session.id, { objective: "write files", limits: { turns: TURNS } });
    await pollUntil(
      "the goal's turns limit",
      async () => (await runtime.goals.get(session.id))?.status === "budget_limited",
    );
    return continuationGaps(model.requests);
  } finally {
    await runtime.close();
    await model.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * `opencode serve` with the Pursuit plugin (its built dist) continuing the goal, and, for reference, the same
 * server without the plugin where a client sends the next prompt the moment OpenCode reports the session
 * idle: the difference is what the plugin adds. Gaps in ms, ascending.
 */
export async function opencodeGaps(): Promise<{ plugin: number[]; promptAtIdle: number[] }> {
  return { plugin: await opencodePluginGaps(), promptAtIdle: await opencodePromptAtIdleGaps() };
}

async function opencodePluginGaps(): Promise<number[]> {
  const model = await progressModel("filePath");
  const port = await freePort();
  const project = await createOpencodeProject({
    modelBaseURL: model.url,
    plugins: [{ path: join(repoRoot, "packages/opencode"), options: { port } }],
  });
  const serve = await startOpencodeServe(project);
  try {
    const api = createPursuitClient({ baseUrl: `http://127.0.0.1:${port}` });
    const session = await createSession(serve.client, "gap");
    await goalCreate({
      client: api,
      path: { id: session.id },
      body: { objective: "write files", limits: { turns: TURNS } },
    });
    await pollUntil("the goal's turns limit", async () => {
      const goal = (await goalGet({ client: api, path: { id: session.id } })).data as { status: string } | null;
      return goal?.status === "budget_limited";
    });
    return continuationGaps(model.requests);
  } finally {
    await serve.stop();
    await model.close();
    await project.remove();
  }
}

async function opencodePromptAtIdleGaps(): Promise<number[]> {
  const model = await progressModel("filePath");
  const project = await createOpencodeProject({ modelBaseURL: model.url });
  const serve = await startOpencodeServe(project);
  const events = await subscribeEvents(serve.url);
  try {
    const session = await createSession(serve.client, "gap");
    for (let turn = 0; turn < TURNS; turn++) {
      const earlier = new Set(events.ofType("session.idle"));
      await serve.client.session.promptAsync({
        path: { id: session.id },
        body: { parts: [{ type: "text", text: "Continue: write the next file." }] },
      });
      await events.waitFor((event) => event.type === "session.idle" && !earlier.has(event), 120_000);
    }
    return continuationGaps(model.requests);
  } finally {
    events.close();
    await serve.stop();
    await model.close();
    await project.remove();
  }
}

export async function main(): Promise<void> {
  const native = await nativeGap();
  console.log(`native continuation gap: median ${percentile(native, 0.5).toFixed(1)} ms over ${native.length} turns`);
  const opencode = await opencodeGaps();
  console.log(
    `opencode continuation gap: median ${percentile(opencode.plugin, 0.5).toFixed(1)} ms with the plugin, ${percentile(opencode.promptAtIdle, 0.5).toFixed(1)} ms for a client prompting at idle`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
