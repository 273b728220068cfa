import { existsSync } from "node:fs";
import { join } from "node:path";
import { billedTokens } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { fileByFileBehaviour } from "./behaviours.js";
import { Harness, sleep } from "./harness.js";

describe("restart", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("continues an active goal after the runtime is closed and reopened, charging nothing twice", async () => {
    harness = await Harness.start({ behaviour: fileByFileBehaviour(4), latencyMs: 150 });
    const sessionID = await harness.session();
    const started = Date.now();
    await harness.runtime.goals.create(sessionID, { objective: "Create a1.txt to a4.txt" });
    // Close while the third request (the write of a2) waits on the model: it is never answered.
    await harness.model.waitForRequests(3);
    const downtimeMs = 1_000;
    await harness.restart(() => sleep(downtimeMs));
    expect(harness.model.requests[2]!.disconnectedAt).toBeDefined();
    expect((await harness.runtime.goals.get(sessionID))?.status).toBe("active");

    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "complete");
    const elapsed = (Date.now() - started) / 1000;
    for (let i = 1; i <= 4; i++) expect(existsSync(join(harness.workdir, `a${i}.txt`))).toBe(true);
    await harness.settle();

    // Every answered request was charged exactly once, as billed; the one the close dropped had reached the model,
    // which bills its input: charged once from its reservation, marked estimated.
    const history = await harness.runtime.goals.history(sessionID);
    const charges = history.flatMap((row) => (row.kind === "charged" && row.key.startsWith("step:") ? [row] : []));
    expect(new Set(charges.map((row) => row.key)).size).toBe(charges.length);
    const answered = harness.model.requests.filter((request) => request.respondedAt && !request.disconnectedAt);
    const estimated = charges.filter((row) => row.estimated);
    expect(estimated).toHaveLength(1);
    expect(charges).toHaveLength(answered.length + 1);
    const final = (await harness.runtime.goals.get(sessionID))!;
    expect(final.usage.tokens - estimated[0]!.charge.tokens).toBe(billedTokens(answered));
    const billed = billedTokens(harness.model.requests);
    expect(final.usage.tokens).toBeGreaterThanOrEqual(0.95 * billed);
    expect(final.usage.tokens).toBeLessThanOrEqual(1.1 * billed);
    // The conversation survived the restart append-only.
    expect(harness.model.prefixReuse().brokenPairs).toEqual([]);
    // Busy time only: the downtime between close and reopen is not charged.
    expect(goal.usage.seconds).toBeLessThan(elapsed - downtimeMs / 1000);
  });
});
