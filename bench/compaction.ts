/**
 * Compaction benchmark: a goal of 12 parts, each printing ~3.5k tokens of command output, on a model with a
 * 16k-token window that refuses longer prompts with the provider's error. Prints the model requests (target:
 * at most 30), compactions (trimmed / summarised), tokens charged against what the model billed, and prefix
 * reuse between compactions (target 1.0), with the window known (from the config) and unknown (the reactive
 * path only). The native runtime on a real SQLite file.
 *
 * Run: `npm run bench -- compaction`.
 */
import { billedTokens, comparePrefix, lastUserText, type RecordedRequest } from "@pursuit/testkit";
import { largeOutputParts } from "../packages/agent/test/behaviours.js";
import { runGoal } from "./run-goal.js";
import { printTable } from "./stats.js";

const WINDOW = 16_000;
const PARTS = 12;

async function run(knownWindow: boolean): Promise<[string, string][]> {
  const { goal, model, events, eventTimes } = await runGoal({
    behaviour: largeOutputParts(PARTS),
    modelWindow: WINDOW,
    provider: (url) => ({
      type: "openai-compatible",
      baseURL: url,
      ...(knownWindow ? { models: { scripted: { contextWindow: WINDOW } } } : {}),
    }),
    goal: { objective: `Print parts 1 to ${PARTS}` },
  });
  const compactedAt = events.flatMap((event, index) =>
    event.type === "session.compacted" ? [{ ...event.properties, time: eventTimes[index] ?? 0 }] : [],
  );
  const requests = model.requests;
  let pairs = 0;
  let appendOnly = 0;
  for (let index = 1; index < requests.length; index++) {
    const [earlier, later] = [requests[index - 1] as RecordedRequest, requests[index] as RecordedRequest];
    if (compactedAt.some((compaction) => compaction.time >= earlier.time && compaction.time <= later.time)) continue;
    // A request refused as too long was never read, so it left nothing in the cache to reuse.
    if (earlier.response?.status === 400) continue;
    pairs++;
    if (comparePrefix(earlier.body, later.body).appendOnly) appendOnly++;
  }
  const summaries = requests.filter((request) => /handoff summary/.test(lastUserText(request))).length;
  const refused = requests.filter((request) => request.response?.status === 400).length;
  const label = knownWindow ? "window known (16k in pursuit.json)" : "window unknown (32k assumed)";
  return [
    [`${label}: outcome`, `${goal?.status} after ${requests.length} requests (${refused} refused as too long)`],
    [
      `${label}: compactions`,
      `${compactedAt.length} (${compactedAt.filter((c) => !c.summarised).length} trimmed, ${compactedAt.filter((c) => c.summarised).length} summarised; ${summaries} summary calls)`,
    ],
    [`${label}: tokens`, `${goal?.usage.tokens} charged, ${billedTokens(requests)} billed by the model`],
    [`${label}: prefix reuse between compactions`, `${(appendOnly / Math.max(1, pairs)).toFixed(2)} (${pairs} pairs)`],
  ];
}

export async function main(): Promise<void> {
  const rows = [...(await run(true)), ...(await run(false))];
  printTable(`compaction: ${PARTS} parts of ~3.5k tokens in a ${WINDOW}-token window (target: <= 30 requests)`, rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
