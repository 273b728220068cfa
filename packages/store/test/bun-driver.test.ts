import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../src/open-store.js";
import { chargeGoal, createGoal, makeGoal, tokenCharge } from "./fixtures/goals.js";
import { finished, startBun } from "./fixtures/processes.js";
import { tempDirs } from "./fixtures/temp-dirs.js";

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

/** Runs the Bun side of a round trip and returns what it printed as JSON. */
async function inBun(args: string[]): Promise<unknown> {
  const run = await finished(startBun("bun-store.ts", args));
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

describe("the bun:sqlite driver", () => {
  it("writes a file that better-sqlite3 reads back", async () => {
    const path = `${dirs.make()}/pursuit.db`;
    const written = await inBun(["write", path, "from-bun"]);
    expect(written).toMatchObject({ driver: "bun", created: true, charged: "charged" });

    const store = await openStore({ path, driver: "better-sqlite3" });
    const goal = await store.goals.get("from-bun");
    const history = await store.goals.history("from-bun");
    const transcript = await store.messages.listMessages("ses_bun");
    store.close();
    expect(goal).toStrictEqual({ ...(written as { goal: object }).goal });
    expect(goal?.usage.tokens).toBe(11);
    expect(history.map((entry) => entry.kind)).toEqual(["created", "charged"]);
    expect(transcript.map((message) => message.parts.map((part) => part.data))).toEqual([
      [{ type: "text", text: "written in bun" }],
    ]);
  });

  it("reads a file written by better-sqlite3, and charges stay idempotent across drivers", async () => {
    const path = `${dirs.make()}/pursuit.db`;
    const store = await openStore({ path, driver: "better-sqlite3" });
    await store.goals.update("from-node", createGoal(makeGoal("from-node", { limits: { seconds: 12.5 } })));
    await store.goals.update("from-node", chargeGoal("step-1", tokenCharge(11)));
    const expected = await store.goals.get("from-node");
    store.close();

    const read = (await inBun(["read", path, "from-node"])) as { driver: string; goal: unknown; recharge: string };
    expect(read.driver).toBe("bun");
    expect(read.goal).toStrictEqual(expected);
    expect(read.recharge).toBe("duplicate");
  });
});
