/**
 * Crash benchmark for the OpenCode plugin: `opencode serve` (with the plugin's built dist: run `npm run build`
 * first) killed with SIGKILL 10 times while a goal runs, each kill a spread moment after the goal's first
 * request since the restart (a step takes ~0.35 s: ~250 tokens of text in small deltas, then a write). Prints
 * the steps charged twice and what is charged against what the model billed (as providers bill: a cut request
 * for its input and the output streamed before the cut). Target: 0 twice, 95-110%.
 *
 * Run: `npm run bench -- opencode-crash`.
 */
import { join } from "node:path";
import { createPursuitClient, goalCreate, goalGet, goalHistory, goalUpdate } from "@pursuit/sdk";
import { billedTokens, startScriptedModel, pollUntil as until } from "@pursuit/testkit";
import {
  createOpencodeProject,
  createSession,
  freePort,
  repoRoot,
  startOpencodeServe,
  waitForIdle,
} from "../packages/opencode/test/harness/index.js";
import { printTable } from "./stats.js";

export async function main(kills = 10): Promise<void> {
  const model = await startScriptedModel({
    behaviour: (_request, context) => ({
      text: `Part ${context.index}. ${"The work goes on. ".repeat(55)}`,
      toolCalls: [{ name: "write", arguments: { filePath: `part-${context.index}.txt`, content: "z".repeat(200) } }],
    }),
    latencyMs: 50,
    chunkDelayMs: 4,
    deltaCharacters: 16,
  });
  const port = await freePort();
  const project = await createOpencodeProject({
    modelBaseURL: model.url,
    plugins: [{ path: join(repoRoot, "packages/opencode"), options: { port, policy: { backoffBaseMs: 200 } } }],
  });
  let serve = await startOpencodeServe(project);
  try {
    const api = createPursuitClient({ baseUrl: `http://127.0.0.1:${port}` });
    const session = await createSession(serve.client, "kills");
    await goalCreate({
      client: api,
      path: { id: session.id },
      body: { objective: "write parts", limits: { tokens: 50_000_000 } },
    });
    for (let kill = 0; kill < kills; kill++) {
      const before = model.requests.length;
      await until("a request after the restart", async () => model.requests.length !== before, 60_000);
      await new Promise((resolve) => setTimeout(resolve, (kill * 137) % 600));
      await serve.kill();
      serve = await startOpencodeServe(project);
    }
    const running = model.requests.length;
    await until("the goal to run after the last restart", async () => model.requests.length !== running, 60_000);
    await goalUpdate({ client: api, path: { id: session.id }, body: { status: "paused" } });
    await waitForIdle(serve.client, session.id, 30_000);
    const history = (await goalHistory({ client: api, path: { id: session.id } })).data ?? [];
    const keys = history.flatMap((row) => (row.kind === "charged" ? [row.key] : []));
    const charged = (await goalGet({ client: api, path: { id: session.id } })).data?.usage.tokens ?? 0;
    const billed = billedTokens(model.requests);
    printTable(`opencode crash: ${kills} x kill -9 of opencode serve during a goal (target: 0 twice, 95-110%)`, [
      [
        "requests (cut by a kill or the pause)",
        `${model.requests.length} (${model.requests.filter((r) => r.disconnectedAt !== undefined).length})`,
      ],
      ["steps charged twice", String(keys.length - new Set(keys).size)],
      ["charged / billed", `${charged} / ${billed} = ${((charged / billed) * 100).toFixed(1)}%`],
    ]);
  } finally {
    await serve.stop();
    await model.close();
    await project.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
