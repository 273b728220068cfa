import {
  createPursuitClient,
  goalCreate,
  goalGet,
  goalHistory,
  goalUpdate,
  sessionCreate,
  sessionStatus,
} from "@pursuit/sdk";
import {
  type BehaviourFunction,
  billedTokens,
  type ScriptedModel,
  startScriptedModel,
  pollUntil as until,
} from "@pursuit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProject, PursuitProcess } from "./pursuit-process.js";

const KILLS = 20;

/** Every answer streams ~250 tokens of text over ~0.25 s, then writes a file: kills land mid-stream too. */
const steadyWriter: BehaviourFunction = (_request, context) => ({
  text: `Part ${context.index}. ${"The work goes on. ".repeat(55)}`,
  toolCalls: [{ name: "write", arguments: { path: `part-${context.index}.txt`, content: "z".repeat(200) } }],
});

describe("pursuit serve killed with SIGKILL again and again", () => {
  let model: ScriptedModel;
  let project: ReturnType<typeof makeProject>;
  const started: PursuitProcess[] = [];

  beforeAll(async () => {
    model = await startScriptedModel({ behaviour: steadyWriter, latencyMs: 50, chunkDelayMs: 25 });
    project = makeProject(model.url, { agent: { maxStepsPerTurn: 1 } });
  });
  afterAll(async () => {
    for (const child of started) {
      child.kill("SIGKILL");
      await child.exited;
    }
    await model?.close();
    project?.cleanup();
  });

  const serve = async () => {
    const child = new PursuitProcess(["serve", "--port", "0", "--db", project.db], {
      cwd: project.directory,
      env: project.env,
    });
    started.push(child);
    const [, url = ""] = await child.waitFor(/listening on (http:\/\/[\d.]+:\d+)/);
    return { child, client: createPursuitClient({ baseUrl: url }) };
  };

  it(`charges no step twice, loses no goal, and charges at least 90% of what the model billed over ${KILLS} kills`, async () => {
    let server = await serve();
    const id = (await sessionCreate({ client: server.client, body: {}, throwOnError: true })).data.id;
    await goalCreate({
      client: server.client,
      path: { id },
      body: { objective: "Write parts", limits: { tokens: 50_000_000 } },
      throwOnError: true,
    });
    for (let kill = 0; kill < KILLS; kill++) {
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

    const goal = (await goalGet({ client, path: { id }, throwOnError: true })).data;
    expect(goal).toMatchObject({ status: "paused" });
    const charges = (await goalHistory({ client, path: { id }, throwOnError: true })).data.flatMap((row) =>
      row.kind === "charged" ? [row] : [],
    );
    const stepKeys = charges.map((row) => row.key).filter((key) => key.startsWith("step:"));
    expect(new Set(stepKeys).size).toBe(stepKeys.length);
    // Some steps were cut by a kill and charged from their reservation, marked as estimates.
    expect(charges.some((row) => row.estimated === true)).toBe(true);
    const billed = billedTokens(model.requests);
    expect(goal?.usage.tokens ?? 0).toBeGreaterThanOrEqual(0.9 * billed);
    // Cut steps are charged from conservative estimates, so more than the finished requests billed, but within
    // reach of what the model served, cut requests counted in full.
    const served = model.requests.reduce((sum, request) => {
      const usage = request.response?.usage;
      return usage
        ? sum + usage.prompt_tokens - usage.prompt_tokens_details.cached_tokens + usage.completion_tokens
        : sum;
    }, 0);
    expect(goal?.usage.tokens ?? 0).toBeLessThanOrEqual(1.6 * served);
  }, 180_000);
});
