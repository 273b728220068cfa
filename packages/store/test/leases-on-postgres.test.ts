import { type PostgresCluster, startPostgresCluster } from "@pursuit/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LeaseLostError, runFenced } from "../src/fence.js";
import { openPgStore, type PgStore } from "../src/pg/index.js";
import { chargeGoal, createGoal, makeGoal, tokenCharge } from "./fixtures/goals.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Session leases and the fence on writes, on a real PostgreSQL server, two stores standing for two replicas. */
describe("session leases on PostgreSQL", () => {
  let cluster: PostgresCluster;
  let databases = 0;
  const stores: PgStore[] = [];

  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  afterAll(async () => cluster?.stop());

  async function twoReplicas(): Promise<[PgStore, PgStore]> {
    const url = cluster.createDatabase(`leases_${++databases}`);
    const a = await openPgStore(url);
    const b = await openPgStore(url);
    stores.push(a, b);
    return [a, b];
  }

  it("gives a session to one holder at a time, a new token whenever it changes hands or lapses", async () => {
    const [a, b] = await twoReplicas();
    const session = await a.sessions.createSession({ directory: "/repo" });
    const first = await a.leases.acquire(session.id, "A", 300);
    expect(first).toMatchObject({ sessionID: session.id, holder: "A", token: 1 });
    expect(await b.leases.acquire(session.id, "B", 300)).toBeUndefined();
    // The holder taking it again keeps its token and pushes the expiry on.
    const again = await a.leases.acquire(session.id, "A", 300);
    expect(again?.token).toBe(1);
    expect(again?.expiresAt).toBeGreaterThanOrEqual(first?.expiresAt ?? 0);
    expect((await a.leases.renew("A", [session.id], 300)).map((lease) => lease.token)).toEqual([1]);

    await sleep(400);
    expect(await a.leases.renew("A", [session.id], 300)).toEqual([]);
    const taken = await b.leases.acquire(session.id, "B", 300);
    expect(taken).toMatchObject({ holder: "B", token: 2 });
    await b.leases.release(session.id, "B");
    expect(await a.leases.acquire(session.id, "A", 300)).toMatchObject({ holder: "A", token: 3 });
    // A lease on a session that does not exist is refused, not an error.
    expect(await a.leases.acquire("ses_missing", "A", 300)).toBeUndefined();
  });

  it("lists the sessions with a live goal that no live lease covers", async () => {
    const [a] = await twoReplicas();
    const [held, free, paused] = await Promise.all(
      ["/repo/held", "/repo/free", "/repo/paused"].map((directory) => a.sessions.createSession({ directory })),
    );
    for (const session of [held, free, paused]) {
      if (!session) throw new Error("no session");
      const status = session === paused ? "paused" : "active";
      await a.goals.update(session.id, createGoal(makeGoal(session.id, { status })));
    }
    await a.leases.acquire(held?.id ?? "", "A", 5_000);
    expect(await a.leases.orphaned()).toEqual([{ sessionID: free?.id, directory: "/repo/free" }]);
  });

  it("refuses a replica's fenced writes once its lease has moved on, and lets a person's writes through", async () => {
    const [a, b] = await twoReplicas();
    const session = await a.sessions.createSession({ directory: "/repo" });
    await a.goals.update(session.id, createGoal(makeGoal(session.id)));
    const lease = await a.leases.acquire(session.id, "A", 300);
    if (!lease) throw new Error("no lease");
    const fence = { sessionID: session.id, holder: "A", token: lease.token };
    const message = await runFenced(fence, async () => {
      await a.goals.update(session.id, chargeGoal("step-1", tokenCharge(10)));
      await a.goals.reserve({
        key: "step-2",
        goalID: "",
        sessionID: session.id,
        inputTokens: 5,
        outputTokens: 0,
        time: 1,
      });
      const written = await a.messages.appendMessage({ sessionID: session.id, role: "assistant" });
      const part = await a.messages.appendPart(written.id, { type: "text", text: "under the lease" });
      return { ...written, parts: [part] };
    });

    // A froze past its lease; B took the session over.
    await sleep(400);
    expect(await b.leases.acquire(session.id, "B", 5_000)).toMatchObject({ token: 2 });
    const writes: (() => Promise<unknown>)[] = [
      () => a.goals.update(session.id, chargeGoal("step-3", tokenCharge(10))),
      () =>
        a.goals.reserve({ key: "step-4", goalID: "", sessionID: session.id, inputTokens: 5, outputTokens: 0, time: 2 }),
      () => a.messages.appendMessage({ sessionID: session.id, role: "assistant" }),
      () => a.messages.appendPart(message.id, { type: "text", text: "too late" }),
      () => a.messages.finishMessage(message.id, { type: "step-finish" }, { completed: 3 }),
      () => a.messages.updatePart(message.parts[0]?.id ?? "prt_none", { type: "text", text: "too late" }),
    ];
    for (const [index, write] of writes.entries()) {
      const outcome = await runFenced(fence, write).then(
        () => `write ${index} landed`,
        (error: unknown) => (error instanceof LeaseLostError ? "refused" : `write ${index}: ${error}`),
      );
      expect(outcome).toBe("refused");
    }

    const goal = await b.goals.get(session.id);
    expect(goal?.usage.tokens).toBe(10);
    expect((await b.goals.reservations()).map((reservation) => reservation.key)).toEqual(["step-2"]);
    const transcript = await b.messages.listMessages(session.id);
    expect(transcript).toHaveLength(1);
    expect(transcript[0]?.parts.map((part) => part.data)).toEqual([{ type: "text", text: "under the lease" }]);
    expect(transcript[0]?.time.completed).toBeUndefined();

    // A person's write through A (no fence: a pause sent to any replica) still lands.
    const paused = makeGoal(session.id, { status: "paused" });
    await a.goals.update(session.id, (current) => ({
      result: true,
      change: { goal: { ...paused, id: current?.id ?? paused.id, usage: current?.usage ?? paused.usage }, history: [] },
    }));
    expect((await b.goals.get(session.id))?.status).toBe("paused");
  });
});
