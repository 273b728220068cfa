import { join } from "node:path";
import { type Client, createPursuitClient, goalCreate, goalGet } from "@pursuit/sdk";
import {
  lastUserText,
  type RecordedRequest,
  type Reply,
  type ScriptedModel,
  startScriptedModel,
  toolCallsMade,
  userTexts,
} from "@pursuit/testkit";
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
  waitForIdle,
} from "./harness/index.js";

const PLUGIN_DIR = join(repoRoot, "packages/opencode");
const POLICY = { backoffBaseMs: 200, backoffMaxMs: 1000, wrapUpMaxOutputTokens: 256 };
/** Dollars per million tokens, as opencode.json gives them (and as the scripted model's bill is priced). */
const COST = { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 };

type GoalView = {
  status: string;
  limit?: string;
  reason?: string;
  usage: { tokens: number; costUSD: number | null };
};

const LONG_ANSWER = "The report goes on. ".repeat(900);

/** A write, then a ~4.5k-token answer that the next request sends back uncached, again and again. */
function moneyReply(request: RecordedRequest): Reply {
  const all = userTexts(request).join("\n");
  const last = request.body.messages.at(-1);
  const writes = toolCallsMade(request, "write").length;
  if (/limit is reached/.test(lastUserText(request))) return { text: "Stopping here." };
  if (!all.includes("reports:")) return { text: "Nothing to do." };
  if (last?.role === "tool") return { text: LONG_ANSWER };
  return { toolCalls: [{ name: "write", arguments: { filePath: `r${writes + 1}.txt`, content: "r\n" } }] };
}

/** What the model billed in dollars at COST, request by request (a cut request for what it billed). */
function billedUSD(requests: readonly RecordedRequest[]): number {
  let sum = 0;
  for (const request of requests) {
    const usage = request.response?.usage;
    if (!usage || request.response?.status !== 200) continue;
    const cached = usage.prompt_tokens_details.cached_tokens;
    const answered = request.respondedAt !== undefined && request.disconnectedAt === undefined;
    const output = answered ? usage.completion_tokens : (request.streamedOutputTokens ?? 0);
    sum += ((usage.prompt_tokens - cached) * COST.input + cached * COST.cache_read + output * COST.output) / 1e6;
  }
  return sum;
}

describe("a dollar limit inside a real opencode serve, on a priced model", () => {
  let model: ScriptedModel;
  let project: OpencodeProject;
  let serve: OpencodeServe;
  let api: Client;

  const goalWhen = (sessionID: string, test: (goal: GoalView) => boolean, timeoutMs = 90_000) =>
    waitForGoal(api, sessionID, test, timeoutMs);

  beforeAll(async () => {
    model = await startScriptedModel({ behaviour: moneyReply, chunkDelayMs: 40 });
    const port = await freePort();
    project = await createOpencodeProject({
      modelBaseURL: model.url,
      plugins: [{ path: PLUGIN_DIR, options: { port, policy: POLICY } }],
      config: {
        provider: {
          fake: {
            npm: "@ai-sdk/openai-compatible",
            name: "Fake",
            options: { baseURL: model.url, apiKey: "x", includeUsage: true },
            models: {
              m: { name: "m", tool_call: true, cost: COST, limit: { context: 128_000, output: 8_000 } },
            },
          },
        },
      },
    });
    serve = await startOpencodeServe(project);
    api = createPursuitClient({ baseUrl: `http://127.0.0.1:${port}` });
  }, 120_000);

  afterAll(async () => {
    await serve?.stop();
    await model?.close();
    await project?.remove();
  });

  it("ends a goal with only a dollar limit within +5% of it, with ~4.5k-token answers, priced as billed", async () => {
    const session = await createSession(serve.client, "dollars");
    const started = Date.now();
    const limit = 0.25;
    const created = await goalCreate({
      client: api,
      path: { id: session.id },
      body: { objective: "reports: write long reports", limits: { costUSD: limit } },
    });
    expect(created.response.status).toBe(201);
    const limited = await goalWhen(session.id, (goal) => goal.status === "budget_limited");
    expect(limited.limit).toBe("costUSD");
    await waitForIdle(serve.client, session.id, 15_000);
    const requests = model.requestsAfter(started);
    expect(requests.some((request) => (request.response?.usage?.completion_tokens ?? 0) > 4_000)).toBe(true);
    const goal = (await goalGet({ client: api, path: { id: session.id } })).data as GoalView;
    expect(goal.usage.costUSD ?? 0).toBeLessThanOrEqual(limit * 1.05);
    // OpenCode prices each step itself; the goal is charged what the model billed.
    expect(goal.usage.costUSD ?? 0).toBeCloseTo(billedUSD(requests), 4);
  }, 120_000);
});
