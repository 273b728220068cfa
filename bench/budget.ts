/**
 * Budget benchmark: how far past a 20k token limit a goal ends, for answers of every size. Each turn of the
 * scripted model writes a file, then answers with `size` tokens of text that the next request sends back as
 * uncached input (as providers bill it). The native runtime on a real SQLite file; prints the charged total
 * and the overshoot for each answer size.
 *
 * Run: `npm run bench -- budget`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime } from "@pursuit/agent";
import { billedTokens, lastUserText, startScriptedModel, toolCallsMade } from "@pursuit/testkit";
import { printTable } from "./stats.js";

const LIMIT = 20_000;
const ANSWER_TOKENS = [50, 500, 2_000, 4_500, 9_000];

async function run(answerTokens: number): Promise<{ charged: number; billed: number; requests: number }> {
  const answer = "word ".repeat(Math.ceil((answerTokens * 4) / 5));
  const model = await startScriptedModel({
    behaviour: (request) => {
      if (lastUserText(request).includes("limit is reached")) return { text: "Stopping here." };
      if (request.body.messages.at(-1)?.role === "tool") return { text: answer };
      const n = toolCallsMade(request, "write").length + 1;
      return { toolCalls: [{ name: "write", arguments: { path: `part-${n}.txt`, content: "x" } }] };
    },
  });
  const root = mkdtempSync(join(tmpdir(), "pursuit-bench-budget-"));
  const runtime = await createRuntime({
    dbPath: join(root, "pursuit.db"),
    directory: root,
    recover: false,
    config: {
      model: "bench/scripted",
      provider: { bench: { type: "openai-compatible", baseURL: model.url } },
      goal: { backoffBaseMs: 10 },
    },
  });
  try {
    const session = await runtime.sessions.create();
    await runtime.goals.create(session.id, { objective: "Write reports", limits: { tokens: LIMIT } });
    for (;;) {
      const goal = await runtime.goals.get(session.id);
      if (goal && goal.status !== "active" && runtime.quiet()) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const goal = await runtime.goals.get(session.id);
    return { charged: goal?.usage.tokens ?? 0, billed: billedTokens(model.requests), requests: model.requests.length };
  } finally {
    await runtime.close();
    await model.close();
    rmSync(root, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  const rows: [string, string][] = [];
  for (const size of ANSWER_TOKENS) {
    const result = await run(size);
    const overshoot = ((result.charged - LIMIT) / LIMIT) * 100;
    rows.push([
      `answers of ~${size} tokens`,
      `${result.charged} charged (${result.billed} billed, ${result.requests} requests), overshoot ${overshoot >= 0 ? "+" : ""}${overshoot.toFixed(1)}%`,
    ]);
  }
  printTable(`budget: a ${LIMIT}-token limit, every turn ending in a long answer (target: overshoot <= +5%)`, rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
