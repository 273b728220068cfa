import { existsSync } from "node:fs";
import { join } from "node:path";
import { createPursuitClient, goalCreate, goalGet, goalHistory } from "@pursuit/sdk";
import { billedTokens, type ScriptedModel, startScriptedModel, pollUntil as until } from "@pursuit/testkit";
import { afterAll, describe, expect, it } from "vitest";
import {
  createOpencodeProject,
  createSession,
  freePort,
  type OpencodeProject,
  type OpencodeServe,
  repoRoot,
  startOpencodeServe,
  waitForIdle,
} from "./harness/index.js";
import { runOpencodeKillScenario } from "./kill-scenario.js";
import { scenarioReply } from "./scenario-model.js";

type Charged = { kind: "charged"; key: string; charge: { tokens: number } };

describe("opencode-pursuit across an OpenCode restart", () => {
  let model: ScriptedModel | undefined;
  let project: OpencodeProject | undefined;
  let serve: OpencodeServe | undefined;

  afterAll(async () => {
    await serve?.stop();
    await model?.close();
    await project?.remove();
  });

  it("resumes an active goal after `opencode serve` is killed, charging no step twice", async () => {
    // Slow replies, so the kill lands in the middle of the goal.
    model = await startScriptedModel({ behaviour: (request) => ({ ...scenarioReply(request), delayMs: 400 }) });
    const port = await freePort();
    project = await createOpencodeProject({
      modelBaseURL: model.url,
      plugins: [{ path: join(repoRoot, "packages/opencode"), options: { port, policy: { backoffBaseMs: 200 } } }],
    });
    const api = createPursuitClient({ baseUrl: `http://127.0.0.1:${port}` });
    serve = await startOpencodeServe(project);
    const session = await createSession(serve.client, "restart");
    await goalCreate({ client: api, path: { id: session.id }, body: { objective: "files 4: write f1..f4" } });
    const dir = project.dir;
    await until("the second file", async () => existsSync(join(dir, "f2.txt")));
    await serve.kill();
    const answeredBeforeKill = model.requests.filter((request) => request.respondedAt !== undefined).length;

    serve = await startOpencodeServe(project);
    await until(
      "the goal to complete",
      async () => (await goalGet({ client: api, path: { id: session.id } })).data?.status === "complete",
      90_000,
    );
    expect(existsSync(join(dir, "f4.txt"))).toBe(true);
    expect(model.requests.length).toBeGreaterThan(answeredBeforeKill);
    await waitForIdle(serve.client, session.id, 15_000);

    const history = ((await goalHistory({ client: api, path: { id: session.id } })).data ?? []) as unknown as Charged[];
    const charges = history.filter((row) => row.kind === "charged");
    const keys = charges.map((row) => row.key);
    expect(new Set(keys).size).toBe(keys.length);
    const steps = charges.filter((row) => row.key.startsWith("step:"));
    // Every request the model accepted is billed (a cut one for its input and what it streamed), none twice.
    expect(steps.length).toBeLessThanOrEqual(
      model.requests.filter((request) => request.response?.status === 200).length,
    );
    // The step the kill cut is charged at the restart from its reservation and checkpoint, marked estimated:
    // what is charged stays within 95-110% of what the model billed.
    const goal = (await goalGet({ client: api, path: { id: session.id } })).data;
    const billed = billedTokens(model.requests);
    expect(goal?.usage.tokens).toBeGreaterThanOrEqual(0.95 * billed);
    expect(goal?.usage.tokens).toBeLessThanOrEqual(1.1 * billed);
  }, 120_000);

  it("charges 95-110% of the bill when `opencode serve` is killed 10 times mid-goal, no step twice", async () => {
    const result = await runOpencodeKillScenario(10);
    expect(result.cutRequests).toBeGreaterThanOrEqual(3);
    expect(result.stepsChargedTwice).toBe(0);
    expect(result.charged).toBeGreaterThanOrEqual(0.95 * result.billed);
    expect(result.charged).toBeLessThanOrEqual(1.1 * result.billed);
  }, 240_000);
});
