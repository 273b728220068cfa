/**
 * Provider benchmark: what a goal costs and survives at the provider. (1) A 10-turn goal through the `anthropic`
 * provider type against the scripted model's Messages endpoint, which caches only at `cache_control`
 * breakpoints: the share of input read from the cache. (2) A short outage, two 429s (Retry-After 2 s) then
 * three 500s, hitting the first request of a goal: the retries, the time they took and how the goal ended.
 *
 * Run: `npm run bench -- provider`.
 */
import { billedTokens } from "@pursuit/testkit";
import { fileByFileBehaviour } from "../packages/agent/test/behaviours.js";
import { runGoal } from "./run-goal.js";
import { printTable } from "./stats.js";

export async function main(): Promise<void> {
  const cached = await runGoal({
    behaviour: fileByFileBehaviour(10),
    goal: { objective: "Write a1.txt to a10.txt" },
    modelID: "claude-sonnet-4-5",
    provider: (url) => ({ type: "anthropic", baseURL: url, apiKey: "bench" }),
  });
  const requests = cached.model.requests;
  const input = requests.reduce((sum, request) => sum + (request.response?.usage?.prompt_tokens ?? 0), 0);
  const read = requests.reduce(
    (sum, request) => sum + (request.response?.usage?.prompt_tokens_details.cached_tokens ?? 0),
    0,
  );
  printTable("provider: a 10-turn goal through the anthropic provider (target: >= 90% of input from the cache)", [
    ["requests", String(requests.length)],
    ["input tokens", String(input)],
    ["read from the cache", `${read} (${((read / input) * 100).toFixed(1)}%)`],
    ["charged (billed)", `${cached.goal?.usage.tokens} (${billedTokens(requests)})`],
    ["goal", cached.goal?.status ?? "none"],
  ]);

  const files = fileByFileBehaviour(2);
  const outage = await runGoal({
    behaviour: (request, context) =>
      context.index < 2
        ? { error: { status: 429, retryAfterSeconds: 2 } }
        : context.index < 5
          ? { error: { status: 500, message: "upstream exploded" } }
          : files(request, context),
    goal: { objective: "Write a1.txt and a2.txt" },
  });
  const retries = outage.events.filter(
    (event) => event.type === "session.status" && event.properties.status.type === "retry",
  ).length;
  const failedTurns = outage.events.filter((event) => event.type === "session.error").length;
  printTable("provider: 2x 429 (Retry-After 2 s) then 3x 500 (target: retried, completes)", [
    ["requests", String(outage.model.requests.length)],
    ["retries inside the turn", String(retries)],
    ["failed turns", String(failedTurns)],
    ["goal", `${outage.goal?.status} after ${outage.seconds.toFixed(1)} s`],
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
