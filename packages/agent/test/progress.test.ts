import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileByFileBehaviour } from "./behaviours.js";
import { Harness } from "./harness.js";

describe("progress", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("completes a goal across idle continuations, then makes no further request", async () => {
    harness = await Harness.start({ behaviour: fileByFileBehaviour(5) });
    const sessionID = await harness.session();
    const created = await harness.runtime.goals.create(sessionID, { objective: "Create the files a1.txt to a5.txt" });
    expect(created.ok).toBe(true);

    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "complete");
    expect(goal.evidence).toBe("a1..a5 exist");
    for (let i = 1; i <= 5; i++) expect(existsSync(join(harness.workdir, `a${i}.txt`))).toBe(true);

    // Each file came from its own continuation turn (write, then a closing answer), then one to complete.
    const history = await harness.runtime.goals.history(sessionID);
    expect(history.filter((row) => row.kind === "continued")).toHaveLength(6);
    expect(goal.usage.tokens).toBeGreaterThan(0);

    await harness.settle();
    // Six turns of two steps each (the call, then the answer to its result); nothing continues a complete goal.
    expect(harness.model.requests.length).toBe(12);
    expect(harness.runtime.status()).toEqual({});
    const final = await harness.runtime.goals.get(sessionID);
    expect(final?.status).toBe("complete");
    expect(final?.usage.turns).toBe(6);

    const session = await harness.runtime.sessions.get(sessionID);
    expect(session?.title).toBe("Create the files a1.txt to a5.txt");
  });
});
