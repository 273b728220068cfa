import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../src/open-store.js";
import { createGoal, makeGoal } from "./fixtures/goals.js";
import { finished, startNode } from "./fixtures/processes.js";
import { tempDirs } from "./fixtures/temp-dirs.js";

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const WORKERS = 4;
const CHARGES_PER_WORKER = 300;

describe("several processes writing one database", () => {
  it("loses no charge when 4 processes charge the same goal at once", async () => {
    const path = `${dirs.make()}/pursuit.db`;
    const setup = await openStore({ path });
    await setup.goals.update("shared", createGoal(makeGoal("shared")));
    setup.close();

    const runs = await Promise.all(
      Array.from({ length: WORKERS }, (_, worker) =>
        finished(startNode("charge-worker.ts", [path, "shared", `w${worker}`, String(CHARGES_PER_WORKER)])),
      ),
    );
    for (const run of runs) {
      expect(run.stderr).toBe("");
      expect(run.stdout).toContain(`applied ${CHARGES_PER_WORKER}`);
      expect(run.code).toBe(0);
    }

    const store = await openStore({ path });
    const goal = await store.goals.get("shared");
    const charges = (await store.goals.history("shared")).filter((entry) => entry.kind === "charged");
    store.close();
    expect(goal?.usage.tokens).toBe(WORKERS * CHARGES_PER_WORKER);
    expect(goal?.usage.input).toBe(WORKERS * CHARGES_PER_WORKER);
    expect(charges).toHaveLength(WORKERS * CHARGES_PER_WORKER);
    expect(new Set(charges.map((entry) => (entry.kind === "charged" ? entry.key : ""))).size).toBe(1200);
  });

  it("lets 4 processes open (and migrate) a fresh file at the same moment", async () => {
    const path = `${dirs.make()}/fresh.db`;
    // Workers start slowly (tsx); a shared start time makes them open the file together.
    const startAt = String(Date.now() + 3_000);
    const runs = await Promise.all(
      Array.from({ length: WORKERS }, (_, worker) =>
        finished(startNode("open-worker.ts", [path, `s${worker}`, startAt])),
      ),
    );
    for (const run of runs) {
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    }
    const store = await openStore({ path });
    expect((await store.goals.list()).map((goal) => goal.sessionID).sort()).toEqual(["s0", "s1", "s2", "s3"]);
    store.close();
  });
});
