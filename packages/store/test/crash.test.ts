import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../src/open-store.js";
import { createGoal, makeGoal } from "./fixtures/goals.js";
import { finished, startNode, waitForOutput } from "./fixtures/processes.js";
import { tempDirs } from "./fixtures/temp-dirs.js";

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

/** Kills a fresh writer this many times, each at another moment of its stream of commits. */
const KILLS = 12;

describe("a writer killed mid-stream", () => {
  it("leaves no half-applied charge and an intact database, wherever the kill lands", async () => {
    const path = `${dirs.make()}/pursuit.db`;
    const setup = await openStore({ path });
    await setup.goals.update("s1", createGoal(makeGoal("s1")));
    setup.close();

    let previous = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const writer = startNode("charge-worker.ts", [path, "s1", `w${kill}`, "forever"]);
      const exit = finished(writer);
      await waitForOutput(writer, "ready");
      // Spread the kills over the stream, so some land between a goal row's write and its history row's.
      await new Promise((resolve) => setTimeout(resolve, kill * 13));
      writer.kill("SIGKILL");
      expect((await exit).signal).toBe("SIGKILL");

      const store = await openStore({ path });
      const goal = await store.goals.get("s1");
      const charges = (await store.goals.history("s1")).filter((entry) => entry.kind === "charged");
      expect(store.db.all(sql`PRAGMA integrity_check`)).toEqual([{ integrity_check: "ok" }]);
      store.close();
      // Every charge row has its tokens on the goal row, and the reverse: one token per charge.
      expect(goal?.usage.tokens).toBe(charges.length);
      expect(charges.length).toBeGreaterThan(previous);
      previous = charges.length;
    }
  }, 120_000);
});
