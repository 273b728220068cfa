/**
 * Budget benchmark: how far past a 20k token limit, and past a dollar limit on a priced model ($3 / $15 per
 * million tokens), a goal ends, for answers of every size. Each turn of the scripted model writes a file, then
 * answers with `size` tokens of text that the next request sends back as uncached input (as providers bill it).
 * The native runtime on a real SQLite file; prints the charged total and the overshoot for each answer size.
 *
 * Run: `npm run bench -- budget`.
 */
import { billedTokens, lastUserText, toolCallsMade } from "@pursuit/testkit";
import { runGoal } from "./run-goal.js";
import { printTable } from "./stats.js";

const LIMIT = 20_000;
const ANSWER_TOKENS = [50, 500, 2_000, 4_500, 9_000];

const PRICES = { input: 3, output: 15 };
const DOLLAR_LIMITS = [0.25, 0.33, 0.41];

async function run(
  answerTokens: number,
  limits: { tokens?: number; costUSD?: number },
): Promise<{ charged: number; costUSD: number; billed: number; requests: number }> {
  const answer = "word ".repeat(Math.ceil((answerTokens * 4) / 5));
  const { goal, model } = await runGoal({
    behaviour: (request) => {
      if (lastUserText(request).includes("limit is reached")) return { text: "Stopping here." };
      if (request.body.messages.at(-1)?.role === "tool") return { text: answer };
      const n = toolCallsMade(request, "write").length + 1;
      return { toolCalls: [{ name: "write", arguments: { path: `part-${n}.txt`, content: "x" } }] };
    },
    goal: { objective: "Write reports", limits },
    provider: (url) => ({ type: "openai-compatible", baseURL: url, models: { scripted: { prices: PRICES } } }),
  });
  return {
    charged: goal?.usage.tokens ?? 0,
    costUSD: goal?.usage.costUSD ?? 0,
    billed: billedTokens(model.requests),
    requests: model.requests.length,
  };
}

const signed = (percent: number) => `${percent >= 0 ? "+" : ""}${percent.toFixed(1)}%`;

export async function main(): Promise<void> {
  const rows: [string, string][] = [];
  for (const size of ANSWER_TOKENS) {
    const result = await run(size, { tokens: LIMIT });
    rows.push([
      `answers of ~${size} tokens`,
      `${result.charged} charged (${result.billed} billed, ${result.requests} requests), overshoot ${signed(((result.charged - LIMIT) / LIMIT) * 100)}`,
    ]);
  }
  printTable(`budget: a ${LIMIT}-token limit, every turn ending in a long answer (target: overshoot <= +5%)`, rows);

  const dollars: [string, string][] = [];
  for (const limit of DOLLAR_LIMITS) {
    for (const size of [500, 4_500]) {
      const result = await run(size, { costUSD: limit });
      dollars.push([
        `$${limit} limit, answers of ~${size} tokens`,
        `$${result.costUSD.toFixed(4)} charged (${result.requests} requests), overshoot ${signed(((result.costUSD - limit) / limit) * 100)}`,
      ]);
    }
  }
  printTable(
    `budget: a dollar limit at $${PRICES.input} / $${PRICES.output} per million tokens (target: overshoot <= +5%)`,
    dollars,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
