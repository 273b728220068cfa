import {
  createPursuitClient,
  type Goal,
  type GoalHistoryEntry,
  goalCreate,
  goalGet,
  goalHistory,
  goalUpdate,
  sessionCreate,
  sessionStatus,
} from "@pursuit/sdk";
import { type BehaviourFunction, billedTokens, startScriptedModel, pollUntil as until } from "@pursuit/testkit";
import { makeProject, PursuitProcess } from "./pursuit-process.js";

/** Every answer streams ~250 tokens of text in small deltas over ~0.25 s, then writes a file: kills land mid-stream too. */
const steadyWriter: BehaviourFunction = (_request, context) => ({
  text: `Part ${context.index}. ${"The work goes on. ".repeat(55)}`,
  toolCalls: [{ name: "write", arguments: { path: `part-${context.index}.txt`, content: "z".repeat(200) } }],
});

export type KillScenarioResult = {
  goal: Goal | undefined;
  charges: Extract<GoalHistoryEntry, { kind: "charged" }>[];
  /** Tokens the model billed, as providers bill (a cut request for its input and the output streamed). */
  billed: number;
  /** The same, with each request a kill cut counted in full. */
  served: number;
  requests: number;
  cutRequests: number;
  /** What the model billed for the requests a kill cut (their input and the output streamed before it). */
  cutBilled: number;
};

/**
 * A goal run by `pursuit serve` (a real process on a real SQLite file) that is killed with SIGKILL `kills`
 * times at spread moments and started again each time; then the goal is paused and everything is read back.
 * Shared by the crash test and `npm run bench -- crash`.
 */
export async function runKillScenario(kills: number): Promise<KillScenarioResult> {
  // Small deltas, a few tokens each, as providers stream: ~0.25 s an answer.
  const model = await startScriptedModel({
    behaviour: steadyWriter,
    latencyMs: 50,
    chunkDelayMs: 4,
    deltaCharacters: 16,
  });
  const project = makeProject(model.url, { agent: { maxStepsPerTurn: 1 } });
  const started: PursuitProcess[] = [];
  const serve = async () => {
    const child = new PursuitProcess(["serve", "--port", "0", "--db", project.db], {
      cwd: project.directory,
      env: project.env,
    });
    started.push(child);
    const [, url = ""] = await child.waitFor(/listening on (http:\/\/[\d.]+:\d+)/);
    return { child, client: createPursuitClient({ baseUrl: url }) };
  };
  try {
    let server = await serve();
    const id = (await sessionCreate({ client: server.client, body: {}, throwOnError: true })).data.id;
    await goalCreate({
      client: server.client,
      path: { id },
      body: { objective: "Write parts", limits: { tokens: 50_000_000 } },
      throwOnError: true,
    });
    for (let kill = 0; kill < kills; kill++) {
      // Kill at a moment spread over the stream of steps (a step takes ~0.4 s).
      await new Promise((resolve) => setTimeout(resolve, 200 + ((kill * 173) % 800)));
      server.child.kill("SIGKILL");
      await server.child.exited;
      server = await serve();
    }
    const { client } = server;
    await until("the goal to run again after the last restart", async () => {
      const status = (await sessionStatus({ client })).data ?? {};
      return status[id] !== undefined;
    });
    await goalUpdate({ client, path: { id }, body: { status: "paused" }, throwOnError: true });
    await until("the session to go idle", async () => !(await sessionStatus({ client })).data?.[id]);
    const goal = (await goalGet({ client, path: { id }, throwOnError: true })).data ?? undefined;
    const charges = (await goalHistory({ client, path: { id }, throwOnError: true })).data.flatMap((row) =>
      row.kind === "charged" ? [row] : [],
    );
    const served = model.requests.reduce((sum, request) => {
      const usage = request.response?.usage;
      return usage
        ? sum + usage.prompt_tokens - usage.prompt_tokens_details.cached_tokens + usage.completion_tokens
        : sum;
    }, 0);
    return {
      goal,
      charges,
      billed: billedTokens(model.requests),
      served,
      requests: model.requests.length,
      cutRequests: model.requests.filter((request) => request.disconnectedAt !== undefined).length,
      cutBilled: billedTokens(model.requests.filter((request) => request.disconnectedAt !== undefined)),
    };
  } finally {
    for (const child of started) {
      child.kill("SIGKILL");
      await child.exited;
    }
    await model.close();
    project.cleanup();
  }
}
