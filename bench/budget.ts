/**
 * Budget benchmark: how far past a 20k token limit a goal ends, for answers of every size. Each turn of the
 * scripted model writes a file, then answers with `size` tokens of text that the next request sends back as
 * uncached input (as providers bill it). The native runtime on a real SQLite file; prints the charged total
 * and the overshoot for each answer size.
 *
 * Run: `npm run bench -- budget`.
 */
import { billedTokens, lastUserText, toolCallsMade } from "@pursuit/testkit";
import { runGoal } from "./run-goal.js";
import { printTable } from "./stats.js";

const LIMIT = 20_000;
const ANSWER_TOKENS = [50, 500, 2_000, 4_500, 9_000];

async function run(answerTokens: number): Promise<{ charged: number; billed: number; requests: number }> {
  const answer = "word ".repeat(Math.ceil((answerTokens * 4) / 5));
  const { goal, model } = await runGoal({
    behaviour: (request) => {
      if (lastUserText(request).includes("limit is reached")) return { text: "Stopping here." };
      if (request.body.messages.at(-1)?.role === "tool") return { text: answer };
      const n = toolCallsMade(request, "write").length + 1;
      return { toolCalls: [{ name: "write", arguments: { path: `part-${n}.txt`, content: "x" } }] };
    },
    goal: { objective: "Write reports", limits: { tokens: LIMIT } },
  });
  return { charged: goal?.usage.tokens ?? 0, billed: billedTokens(model.requests), requests: model.requests.length };
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
