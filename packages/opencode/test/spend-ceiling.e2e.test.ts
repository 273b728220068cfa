import { join } from "node:path";
import { type Client, createPursuitClient, goalCreate, goalHistory, spendGet } from "@pursuit/sdk";
import { type ScriptedModel, startScriptedModel, userTexts } from "@pursuit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOpencodeProject,
  createSession,
  freePort,
  type OpencodeProject,
  type OpencodeServe,
  repoRoot,
  startOpencodeServe,
  waitForGoal,
  waitForGoalSettled,
} from "./harness/index.js";
import { scenarioReply } from "./scenario-model.js";

const PLUGIN_DIR = join(repoRoot, "packages/opencode");
const CEILING = 20_000;
/** The plugin's clock starts this long before a UTC midnight (a Wednesday's: only the day turns over). */
const LEAD_MS = 25_000;
const MIDNIGHT = Date.parse("2027-03-04T00:00:00Z");

type GoalView = {
  status: string;
  reason?: string;
  ceiling?: { window: string; unit: string; allowed: number; resetsAt: number };
  usage: { tokens: number; turns: number };
};

describe("spend ceilings in a real opencode serve", () => {
  let model: ScriptedModel;
  let project: OpencodeProject;
  let serve: OpencodeServe;
  let api: Client;
  /** The plugin's clock starts after this (when it loads): its midnight comes LEAD_MS after it at the earliest. */
  let spawnedAt: number;

  beforeAll(async () => {
    model = await startScriptedModel({ behaviour: scenarioReply, latencyMs: 5 });
    const port = await freePort();
    project = await createOpencodeProject({
      modelBaseURL: model.url,
      plugins: [
        {
          path: PLUGIN_DIR,
          options: {
            port,
            policy: { backoffBaseMs: 200, wrapUpMaxOutputTokens: 64 },
            spendCeilings: { daily: { tokens: CEILING } },
          },
        },
      ],
      config: { permission: { "*": "allow" } },
    });
    spawnedAt = Date.now();
    serve = await startOpencodeServe(project, { env: { OPENCODE_PURSUIT_CLOCK_START: String(MIDNIGHT - LEAD_MS) } });
    api = createPursuitClient({ baseUrl: `http://127.0.0.1:${port}` });
  }, 120_000);

  afterAll(async () => {
    await serve?.stop();
    await model?.close();
    await project?.remove();
  });

  it("a daily ceiling stops two goals in two sessions, nothing is asked while it holds, midnight resumes both", async () => {
    const sessions = [
      await createSession(serve.client, "ceiling one"),
      await createSession(serve.client, "ceiling two"),
    ];
    const objectives = ["budget: ceiling one", "budget: ceiling two"];
    for (const [i, session] of sessions.entries())
      await goalCreate({
        client: api,
        path: { id: session.id },
        body: { objective: objectives[i]! },
        throwOnError: true,
      });
    const held: GoalView[] = [];
    for (const session of sessions)
      held.push(await waitForGoal<GoalView>(api, session.id, (goal) => goal.status === "budget_limited", 20_000));
    for (const goal of held) {
      expect(goal.reason).toBe("the daily ceiling is reached");
      expect(goal.ceiling).toEqual({ window: "daily", unit: "tokens", allowed: CEILING, resetsAt: MIDNIGHT });
    }
    const spend = (await spendGet({ client: api, throwOnError: true })).data;
    const today = spend.windows.find((window) => window.window === "daily")!;
    expect(today.end).toBe(MIDNIGHT);
    expect(today.spent.tokens).toBeLessThanOrEqual(CEILING * 1.05);
    // Hard: the two goals stopped close to the ceiling, past it by no more than a wrap-up's share.
    expect(today.spent.tokens).toBeGreaterThan(CEILING * 0.8);

    // Until midnight (by the plugin's clock) no request is made for either goal (a wrap-up may end a stopped turn).
    await waitForGoalSettled(api, sessions[0]!.id);
    await waitForGoalSettled(api, sessions[1]!.id);
    const requestsHeld = model.requests.length;
    const turnsHeld = await Promise.all(
      sessions.map(async (session) => (await waitForGoal<GoalView>(api, session.id, () => true)).usage.turns),
    );
    const beforeMidnight = spawnedAt + LEAD_MS - 1_000 - Date.now();
    expect(beforeMidnight).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, beforeMidnight));
    expect(model.requests.length).toBe(requestsHeld);
    const resumed = await Promise.all(
      sessions.map((session, i) =>
        waitForGoal<GoalView>(api, session.id, (goal) => goal.usage.turns > turnsHeld[i]!, 30_000),
      ),
    );
    expect(resumed).toHaveLength(2);
    const afterMidnight = model.requests.slice(requestsHeld);
    for (const objective of objectives)
      expect(afterMidnight.some((request) => userTexts(request).some((text) => text.includes(objective)))).toBe(true);
    for (const session of sessions) {
      const history = (await goalHistory({ client: api, path: { id: session.id }, throwOnError: true })).data;
      const woke = history.find((row) => row.kind === "status" && row.from === "budget_limited" && row.to === "active");
      expect(woke).toMatchObject({ reason: "the daily ceiling turned over", actor: "runtime" });
      expect(woke!.time).toBeGreaterThanOrEqual(MIDNIGHT);
    }
  }, 120_000);
});
