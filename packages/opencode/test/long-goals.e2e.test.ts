import { join } from "node:path";
import { type Client, createPursuitClient, goalCreate, goalGet } from "@pursuit/sdk";
import {
  billedTokens,
  messages,
  messageText,
  type RecordedRequest,
  type Reply,
  type ScriptedModel,
  startScriptedModel,
  systemText,
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
  waitForGoalSettled,
} from "./harness/index.js";

const PLUGIN_DIR = join(repoRoot, "packages/opencode");
const POLICY = { backoffBaseMs: 200, backoffMaxMs: 1000 };
/** OpenCode's model limit: it compacts when a step's tokens pass context - output. */
const WINDOW = 24_000;
const PARTS = 8;

type GoalView = { status: string; reason?: string; usage: { tokens: number; turns: number } };

/** OpenCode's own summary request: its compaction agent, no tools. */
const isSummaryRequest = (request: RecordedRequest) =>
  /summar/i.test(systemText(request)) && (request.body.tools ?? []).length === 0;

/**
 * `parts N`: part K runs a command printing ~3.5k tokens, says so, and stops; after part N it completes the
 * goal. It knows what is done only from what it sees, as a model would (commands in view, "parts done: K" in a
 * summary). `silent`: its second answer sends a few words and then nothing, the connection left open.
 */
function longGoalReply(request: RecordedRequest, context: { conversationIndex: number }): Reply {
  const all = messages(request)
    .map((message) => messageText(message))
    .join("\n");
  const summarised = Math.max(0, ...[...all.matchAll(/parts done: (\d+)/g)].map((match) => Number(match[1])));
  const ran = toolCallsMade(request, "bash").map((call) =>
    Number(/part-(\d+)/.exec(JSON.stringify(call.arguments))?.[1] ?? 0),
  );
  const done = Math.max(summarised, ...ran);
  if (isSummaryRequest(request)) {
    const objective = /<objective>([\s\S]*?)<\/objective>/.exec(all)?.[1] ?? "unknown";
    return { text: `## Objective\n${objective}\n## Progress\nparts done: ${done}` };
  }
  const objective = [
    ...userTexts(request)
      .join("\n")
      .matchAll(/<objective>([\s\S]*?)<\/objective>/g),
  ].at(-1)?.[1];
  const last = messages(request).at(-1);
  if (objective?.startsWith("silent")) {
    const writes = toolCallsMade(request, "write").length;
    if (context.conversationIndex === 1) return { text: "Checking the", hang: true };
    if (last?.role === "tool") return { text: "Written." };
    if (writes === 0) return { toolCalls: [{ name: "write", arguments: { filePath: "s1.txt", content: "s\n" } }] };
    return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "s1.txt exists" } }] };
  }
  if (last?.role === "tool") return { text: `Part ${done} printed.` };
  if (done < PARTS) {
    const command = `yes "part-${done + 1}: a line of build output" | head -n 560`;
    return { toolCalls: [{ name: "bash", arguments: { command, description: `Print part ${done + 1}` } }] };
  }
  return {
    toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: `parts 1..${PARTS} printed` } }],
  };
}

describe("long goals inside a real opencode serve", () => {
  let model: ScriptedModel;
  let project: OpencodeProject;
  let serve: OpencodeServe;
  let api: Client;

  const goalWhen = (sessionID: string, test: (goal: GoalView) => boolean, timeoutMs = 120_000) =>
    waitForGoal(api, sessionID, test, timeoutMs);

  beforeAll(async () => {
    model = await startScriptedModel({ behaviour: longGoalReply, contextWindow: WINDOW });
    const port = await freePort();
    project = await createOpencodeProject({
      modelBaseURL: model.url,
      plugins: [{ path: PLUGIN_DIR, options: { port, policy: POLICY, streamIdleTimeout: "15s" } }],
      config: {
        provider: {
          fake: {
            npm: "@ai-sdk/openai-compatible",
            name: "Fake",
            options: { baseURL: model.url, apiKey: "x", includeUsage: true },
            models: { m: { name: "m", tool_call: true, limit: { context: WINDOW, output: 2_000 } } },
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

  it("puts the goal back after OpenCode compacts, and the goal completes", async () => {
    const session = await createSession(serve.client, "parts");
    const started = Date.now();
    await goalCreate({ client: api, path: { id: session.id }, body: { objective: `parts ${PARTS}: print them` } });
    const goal = await goalWhen(session.id, (g) => g.status !== "active");
    expect(goal.status, goal.reason).toBe("complete");
    await waitForGoalSettled(api, session.id);

    const requests = model.requestsAfter(started);
    const summaries = requests.filter(isSummaryRequest);
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    // OpenCode's summary was asked to keep the objective.
    for (const summary of summaries) expect(JSON.stringify(summary.body.messages)).toContain("<objective>parts");
    // The next request after each compaction carries the goal context again.
    for (const summary of summaries) {
      const next = requests.find((request) => request.index > summary.index && !isSummaryRequest(request));
      const sent = JSON.stringify(next?.body.messages ?? []);
      expect(sent).toContain("Earlier history was summarised");
      expect(sent).toContain(`<objective>parts ${PARTS}: print them</objective>`);
      expect(sent).not.toContain("Continue if you have next steps");
    }
    // Knowing its goal, the model never tried to create it again.
    expect(requests.some((request) => toolCallsMade(request, "create_goal").length > 0)).toBe(false);
    // Every request was charged what the model billed for it, the summaries included.
    const charged = (await goalGet({ client: api, path: { id: session.id } })).data as GoalView;
    expect(charged.usage.tokens).toBe(billedTokens(requests));
  }, 240_000);

  it("cuts a model stream silent for 15 s, retries the turn, and completes the goal", async () => {
    const session = await createSession(serve.client, "silent");
    const started = Date.now();
    await goalCreate({ client: api, path: { id: session.id }, body: { objective: "silent: write s1.txt" } });
    const goal = await goalWhen(session.id, (g) => g.status !== "active", 60_000);
    expect(goal.status, goal.reason).toBe("complete");
    const stalled = model.requestsAfter(started).find((request) => request.reply?.hang);
    expect(stalled?.disconnectedAt).toBeDefined();
    const cutAfter = (stalled?.disconnectedAt ?? 0) - (stalled?.time ?? 0);
    expect(cutAfter).toBeGreaterThanOrEqual(14_900);
    expect(cutAfter).toBeLessThan(20_000);
  }, 120_000);

  it("refuses a dollar limit on a model OpenCode has no price for, naming the model and where to price it", async () => {
    const session = await createSession(serve.client, "priced");
    const refused = await goalCreate({
      client: api,
      path: { id: session.id },
      body: { objective: "files 1", limits: { costUSD: 0.5 } },
    });
    expect(refused.response.status).toBe(400);
    expect(refused.error).toMatchObject({
      error: { field: "limits.costUSD", message: expect.stringContaining('"fake/m" has no price in OpenCode') },
    });
    expect((await goalGet({ client: api, path: { id: session.id } })).data ?? null).toBeNull();
  });
});
