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
} from "./harness/index.js";

export type OpencodeKillResult = {
  /** Tokens charged to the goal. */
  charged: number;
  /** Tokens the model billed, as providers bill (a cut request for its input and the output streamed). */
  billed: number;
  requests: number;
  cutRequests: number;
  stepsChargedTwice: number;
};

/**
 * A goal run by `opencode serve` with the plugin's built dist, killed with SIGKILL `kills` times, each kill a
 * spread moment after the goal's first request since the restart (a step takes ~0.35 s: ~250 tokens of text in
 * small deltas, then a write), started again each time; then the goal is paused, its last turn finishes, and
 * everything is read back. Shared by the kill test and `npm run bench -- opencode-crash`.
 */
export async function runOpencodeKillScenario(kills: number): Promise<OpencodeKillResult> {
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
    // Paused, the goal continues no more; the turn under way finishes and is charged before anything is read.
    await goalUpdate({ client: api, path: { id: session.id }, body: { status: "paused" } });
    await until("the last request to end", async () =>
      model.requests.every((request) => request.respondedAt !== undefined || request.disconnectedAt !== undefined),
    );
    await waitForIdle(serve.client, session.id, 30_000);
    const history = (await goalHistory({ client: api, path: { id: session.id } })).data ?? [];
    const keys = history.flatMap((row) => (row.kind === "charged" ? [row.key] : []));
    return {
      charged: (await goalGet({ client: api, path: { id: session.id } })).data?.usage.tokens ?? 0,
      billed: billedTokens(model.requests),
      requests: model.requests.length,
      cutRequests: model.requests.filter((request) => request.disconnectedAt !== undefined).length,
      stepsChargedTwice: keys.length - new Set(keys).size,
    };
  } finally {
    await serve.stop();
    await model.close();
    await project.remove();
  }
}
