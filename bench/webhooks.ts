/**
 * Webhooks: how long from a goal's completion to its receiver getting the POST (p50 / p99 over 30 goals, each a
 * write then `complete`), and whether deliveries ever hold up the goal loop: the continuation gap (a turn with
 * progress ended -> the next turn's first request) of a session that runs while 30 deliveries hang on a receiver
 * that never answers, against the same session with no webhooks. Native host, real SQLite, scripted model.
 *
 * Run: `npx tsx --conditions=@pursuit/source bench/webhooks.ts` (or `npm run bench -- webhooks`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type PursuitConfig, type Runtime } from "@pursuit/agent";
import {
  type BehaviourFunction,
  pollUntil,
  type ScriptedModel,
  startScriptedModel,
  startWebhookReceiver,
  toolCallsMade,
} from "@pursuit/testkit";
import { continuationGaps } from "./continuation-gap.js";
import { percentile, printTable } from "./stats.js";

const GOALS = 30;
const GAP_TURNS = 12;

/** "finish": a write, then complete. Anything else: a write per turn, a short answer after it (never completes). */
const behaviour: BehaviourFunction = (request) => {
  if (request.body.messages.at(-1)?.role === "tool") return { text: "Done." };
  const writes = toolCallsMade(request, "write").length;
  const finishing = JSON.stringify(request.body.messages).includes("FINISH-ME");
  if (finishing && writes > 0)
    return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "written" } }] };
  return { toolCalls: [{ name: "write", arguments: { path: `f${writes + 1}.txt`, content: "x" } }] };
};

async function withRuntime<T>(
  model: ScriptedModel,
  webhooks: PursuitConfig["webhooks"],
  use: (runtime: Runtime, root: string) => Promise<T>,
): Promise<T> {
  const root = mkdtempSync(join(tmpdir(), "pursuit-bench-webhooks-"));
  const runtime = await createRuntime({
    database: join(root, "pursuit.db"),
    directory: root,
    recover: false,
    config: {
      model: "bench/scripted",
      provider: { bench: { type: "openai-compatible", baseURL: model.url } },
      ...(webhooks ? { webhooks } : {}),
    },
  });
  try {
    return await use(runtime, root);
  } finally {
    await runtime.close();
    rmSync(root, { recursive: true, force: true });
  }
}

async function completeGoals(runtime: Runtime, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const session = await runtime.sessions.create();
      await runtime.goals.create(session.id, { objective: `FINISH-ME: goal ${index}` });
      await pollUntil("the goal", async () => (await runtime.goals.get(session.id))?.status === "complete", 60_000, 20);
    }),
  );
}

/** The continuation gaps (ms) of one session writing a file per turn until its turns limit. */
async function gapsOf(runtime: Runtime, model: ScriptedModel): Promise<number[]> {
  const before = model.requests.length;
  const session = await runtime.sessions.create();
  await runtime.goals.create(session.id, { objective: "write files", limits: { turns: GAP_TURNS } });
  await pollUntil("the turns limit", async () => (await runtime.goals.get(session.id))?.status === "budget_limited");
  return continuationGaps(model.requests.slice(before));
}

export async function main(): Promise<void> {
  const model = await startScriptedModel({ behaviour });
  const receiver = await startWebhookReceiver();
  const hanging = await startWebhookReceiver(() => "hang");
  try {
    const latencies = await withRuntime(model, [{ url: receiver.url }], async (runtime) => {
      await completeGoals(runtime, GOALS);
      await pollUntil("every delivery", () => (receiver.received.length >= GOALS ? true : undefined));
      return receiver.received
        .map((webhook) => webhook.time - (JSON.parse(webhook.body).goal.time.completed as number))
        .sort((a, b) => a - b);
    });
    const alone = await withRuntime(model, undefined, (runtime) => gapsOf(runtime, model));
    const besideHanging = await withRuntime(model, [{ url: hanging.url }], async (runtime) => {
      await completeGoals(runtime, GOALS);
      await pollUntil("deliveries hanging", () => (hanging.received.length >= GOALS ? true : undefined));
      return gapsOf(runtime, model);
    });
    printTable(`webhooks: ${GOALS} goals completing, native host`, [
      ["goal complete -> receiver got the POST, p50", `${percentile(latencies, 0.5).toFixed(1)} ms`],
      ["goal complete -> receiver got the POST, p99", `${percentile(latencies, 0.99).toFixed(1)} ms`],
      ["continuation gap, no webhooks (median)", `${percentile(alone, 0.5).toFixed(1)} ms`],
      [
        `continuation gap, ${GOALS} deliveries hanging on a receiver (median)`,
        `${percentile(besideHanging, 0.5).toFixed(1)} ms (p99 ${percentile(besideHanging, 0.99).toFixed(1)} ms)`,
      ],
    ]);
  } finally {
    await hanging.close();
    await receiver.close();
    await model.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
