import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../src/open-store.js";
import { createGoal, makeGoal } from "./fixtures/goals.js";
import { finished, startNode, waitForOutput } from "./fixtures/processes.js";
import { tempDirs } from "./fixtures/temp-dirs.js";

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe("a writer killed mid-stream", () => {
  it("leaves no half-applied charge and an intact database", async () => {
    const path = `${dirs.make()}/pursuit.db`;
    const setup = await openStore({ path });
    await setup.goals.update("s1", createGoal(makeGoal("s1")));
    setup.close();

    const writer = startNode("charge-worker.ts", [path, "s1", "w", "forever"]);
    const exit = finished(writer);
    await waitForOutput(writer, "ready");
    // Let it run a while so the kill lands among many commits, then kill without warning.
    await new Promise((resolve) => setTimeout(resolve, 400));
    writer.kill("SIGKILL");
    expect((await exit).signal).toBe("SIGKILL");

    const store = await openStore({ path });
    const goal = await store.goals.get("s1");
    const charges = (await store.goals.history("s1")).filter((entry) => entry.kind === "charged");
    expect(store.db.all(sql`PRAGMA integrity_check`)).toEqual([{ integrity_check: "ok" }]);
    store.close();
    expect(charges.length).toBeGreaterThan(0);
    expect(goal?.usage.tokens).toBe(charges.length);
  });
});
