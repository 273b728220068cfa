import { type BehaviourFunction, billedTokens, lastUserText, toolCallsMade } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";

const NOTICE = "limit is reached";
const WRAP_UP_CAP = 256;

/** Writes a new 2 KB file on every step; after the budget notice, answers with a (too long) summary. */
const busyWriter: BehaviourFunction = (request) => {
  if (lastUserText(request).includes(NOTICE)) return { text: `Summary: ${"all work so far. ".repeat(400)}` };
  const n = toolCallsMade(request, "write").length + 1;
  return { toolCalls: [{ name: "write", arguments: { path: `part-${n}.txt`, content: "x".repeat(2_000) } }] };
};

/** Each turn: a write, then a ~4.5k-token answer that the next request sends back uncached; after the notice, stops. */
const longReports: BehaviourFunction = (request) => {
  if (lastUserText(request).includes(NOTICE)) return { text: "Stopping here." };
  if (request.body.messages.at(-1)?.role === "tool") return { text: "The report goes on. ".repeat(900) };
  const n = toolCallsMade(request, "write").length + 1;
  return { toolCalls: [{ name: "write", arguments: { path: `part-${n}.txt`, content: "x" } }] };
};

describe("budget", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("stops at the token limit with one capped wrap-up step, bounded overshoot, and resumes when raised", async () => {
    harness = await Harness.start({ behaviour: busyWriter, goal: { wrapUpMaxOutputTokens: WRAP_UP_CAP } });
    const sessionID = await harness.session();
    let requestsAtLimit = -1;
    harness.runtime.subscribe((event) => {
      const goal = event.type === "session.goal.updated" ? event.properties.goal : undefined;
      if (goal?.status === "budget_limited" && requestsAtLimit < 0) {
        requestsAtLimit = harness!.model.requests.length;
      }
    });
    const limit = 20_000;
    await harness.runtime.goals.create(sessionID, { objective: "Write many parts", limits: { tokens: limit } });

    const limited = await harness.waitForGoal(sessionID, (g) => g.status === "budget_limited");
    expect(limited.limit).toBe("tokens");
    await harness.settle();
    const requests = harness.model.requests;
    // Exactly one request once the limit is reached: the wrap-up, capped and carrying the notice.
    expect(requests).toHaveLength(requestsAtLimit + 1);
    const wrapUp = requests.at(-1)!;
    expect(wrapUp.body.max_tokens).toBe(WRAP_UP_CAP);
    expect(lastUserText(wrapUp)).toContain(NOTICE);
    // Every working step's output was capped by what the budget had left before it.
    let spent = 0;
    for (const request of requests.slice(0, -1)) {
      expect(request.body.max_tokens).toBeLessThanOrEqual(limit - spent);
      const usage = request.response!.usage!;
      spent += usage.prompt_tokens - usage.prompt_tokens_details.cached_tokens + usage.completion_tokens;
    }
    expect(spent).toBeLessThan(limit);

    // The documented bound: the wrap-up step's new input + its output cap, within 5% of a 20k budget.
    const goal = (await harness.runtime.goals.get(sessionID))!;
    const overshoot = goal.usage.tokens - limit;
    expect(overshoot).toBeLessThanOrEqual(limit * 0.05);
    const wrapUpUsage = wrapUp.response!.usage!;
    expect(wrapUpUsage.completion_tokens).toBeLessThanOrEqual(WRAP_UP_CAP);

    // Resuming without raising is refused; raising the limit resumes the work at once.
    const refused = await harness.runtime.goals.update(sessionID, { status: "active" });
    expect(refused.ok).toBe(false);
    const before = harness.model.requests.length;
    const raised = await harness.runtime.goals.update(sessionID, { limits: { tokens: 30_000 } });
    expect(raised.ok && raised.value.status).toBe("active");
    const limitedAgain = await harness.waitForGoal(
      sessionID,
      // Stopped at the raised limit: by the charge that crossed it, or before a step that would not fit.
      (g) => g.status === "budget_limited" && g.usage.tokens >= 30_000 * 0.95,
    );
    expect(harness.model.requests.length).toBeGreaterThan(before + 3);
    expect(limitedAgain.usage.tokens - 30_000).toBeLessThanOrEqual(30_000 * 0.05);
  });

  it("stays within 5% of a token limit when every turn ends in a long answer the next request sends back", async () => {
    // Each turn: a write, then a ~4.5k-token answer; the next turn's first request carries that answer as
    // uncached input, so a wrap-up after the limit could overshoot by a whole answer.
    harness = await Harness.start({
      behaviour: longReports,
      goal: { wrapUpMaxOutputTokens: WRAP_UP_CAP },
    });
    const sessionID = await harness.session();
    const limit = 20_000;
    await harness.runtime.goals.create(sessionID, { objective: "Write long reports", limits: { tokens: limit } });
    const limited = await harness.waitForGoal(sessionID, (g) => g.status === "budget_limited");
    await harness.settle();
    expect(harness.model.requests.some((request) => (request.response?.usage?.completion_tokens ?? 0) > 4_000)).toBe(
      true,
    );
    const goal = (await harness.runtime.goals.get(sessionID))!;
    expect(goal.usage.tokens).toBe(billedTokens(harness.model.requests));
    expect(goal.usage.tokens).toBeLessThanOrEqual(limit * 1.05);
    expect(limited.limit).toBe("tokens");
  });

  it("stays within 5% of a dollar limit on a priced model with ~4.5k-token answers, priced as the model bills", async () => {
    // $3 / $15 per million tokens (input / output), no cache prices: cache reads bill at the input price.
    const prices = { input: 3, output: 15 };
    harness = await Harness.start({
      behaviour: longReports,
      goal: { wrapUpMaxOutputTokens: WRAP_UP_CAP },
      modelSettings: { prices },
    });
    const sessionID = await harness.session();
    const limit = 0.25;
    await harness.runtime.goals.create(sessionID, { objective: "Write long reports", limits: { costUSD: limit } });
    const limited = await harness.waitForGoal(sessionID, (g) => g.status === "budget_limited");
    await harness.settle();
    const requests = harness.model.requests;
    expect(requests.some((request) => (request.response?.usage?.completion_tokens ?? 0) > 4_000)).toBe(true);
    // What the model billed in dollars, request by request.
    const billedUSD = requests.reduce((sum, request) => {
      const usage = request.response?.usage;
      if (!usage || request.response?.status !== 200) return sum;
      return sum + (usage.prompt_tokens * prices.input + usage.completion_tokens * prices.output) / 1e6;
    }, 0);
    const goal = (await harness.runtime.goals.get(sessionID))!;
    expect(limited.limit).toBe("costUSD");
    expect(goal.usage.costUSD).toBeCloseTo(billedUSD, 6);
    expect(goal.usage.costUSD).toBeLessThanOrEqual(limit * 1.05);
    // Each request's output was capped by the dollars its input left: none could pass the limit by a whole answer.
    expect(requests.every((request) => typeof request.body.max_tokens === "number")).toBe(true);
  });
});
