import { describe, expect, it } from "vitest";
import { runKillScenario } from "./kill-scenario.js";

const KILLS = 20;

describe("pursuit serve killed with SIGKILL again and again", () => {
  it(`charges no step twice, loses no goal, and charges 95-110% of what the model billed over ${KILLS} kills`, async () => {
    const result = await runKillScenario(KILLS);
    expect(result.goal).toMatchObject({ status: "paused" });
    const stepKeys = result.charges.map((row) => row.key).filter((key) => key.startsWith("step:"));
    expect(new Set(stepKeys).size).toBe(stepKeys.length);
    // Some steps were cut by a kill and charged from their reservation, marked as estimates.
    expect(result.charges.some((row) => row.estimated === true)).toBe(true);
    // Billed as providers bill: a request a kill cut for its input and the output it streamed before the kill.
    // Its step is charged at the next start from its reservation (the input at the session's own rate) and the
    // last checkpoint of its output.
    const charged = result.goal?.usage.tokens ?? 0;
    expect(charged).toBeGreaterThanOrEqual(0.95 * result.billed);
    expect(charged).toBeLessThanOrEqual(1.1 * result.billed);
  }, 180_000);
});
