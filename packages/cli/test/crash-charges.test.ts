import { describe, expect, it } from "vitest";
import { runKillScenario } from "./kill-scenario.js";

const KILLS = 20;

describe("pursuit serve killed with SIGKILL again and again", () => {
  it(`charges no step twice, loses no goal, and charges at least 90% of what the model billed over ${KILLS} kills`, async () => {
    const result = await runKillScenario(KILLS);
    expect(result.goal).toMatchObject({ status: "paused" });
    const stepKeys = result.charges.map((row) => row.key).filter((key) => key.startsWith("step:"));
    expect(new Set(stepKeys).size).toBe(stepKeys.length);
    // Some steps were cut by a kill and charged from their reservation, marked as estimates.
    expect(result.charges.some((row) => row.estimated === true)).toBe(true);
    const charged = result.goal?.usage.tokens ?? 0;
    expect(charged).toBeGreaterThanOrEqual(0.9 * result.billed);
    // Cut steps are charged from conservative estimates, so more than the finished requests billed, but within
    // reach of what the model served, cut requests counted in full.
    expect(charged).toBeLessThanOrEqual(1.6 * result.served);
  }, 180_000);
});
