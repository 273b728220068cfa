import { createPursuitClient, goalCreate, goalGet, goalHistory, sessionCreate, sessionStatus } from "@pursuit/sdk";
import {
  type BehaviourFunction,
  billedTokens,
  type PostgresCluster,
  type RecordedRequest,
  type ScriptedModel,
  startPostgresCluster,
  startScriptedModel,
  pollUntil as until,
} from "@pursuit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProject, PursuitProcess } from "./pursuit-process.js";

/** Writes a new file on every request: steady progress that never finishes on its own. */
const endlessWork: BehaviourFunction = (_request, context) => ({
  text: `Part ${context.index}.`,
  toolCalls: [{ name: "write", arguments: { path: `part-${context.index}.txt`, content: "y".repeat(200) } }],
});

/** Pairs of one session's model requests that were in flight at once (there must be none). */
function overlappingRequests(requests: readonly RecordedRequest[]): string[] {
  const bySession = new Map<string, RecordedRequest[]>();
  for (const request of requests)
    bySession.set(request.conversationKey, [...(bySession.get(request.conversationKey) ?? []), request]);
  const overlaps: string[] = [];
  for (const [key, list] of bySession) {
    const sorted = [...list].sort((a, b) => a.time - b.time);
    for (let index = 1; index < sorted.length; index++) {
      const before = sorted[index - 1];
      const after = sorted[index];
      const ended = before?.respondedAt ?? before?.disconnectedAt ?? Number.POSITIVE_INFINITY;
      if (before && after && after.time < ended) overlaps.push(`${key}: #${before.index} and #${after.index}`);
    }
  }
  return overlaps;
}

/**
 * Several `pursuit serve` replicas (real processes) on one PostgreSQL database: each session is driven by one of
 * them at a time, and a dead replica's goals go on elsewhere.
 */
describe("pursuit serve replicas on one PostgreSQL database", () => {
  let cluster: PostgresCluster;
  let model: ScriptedModel;
  let project: ReturnType<typeof makeProject>;
  const started: PursuitProcess[] = [];

  const replica = async (database: string) => {
    const child = new PursuitProcess(["serve", "--port", "0", "--db", database, "--lease-ttl", "2s"], {
      cwd: project.directory,
      env: project.env,
    });
    started.push(child);
    const [, url = ""] = await child.waitFor(/listening on (http:\/\/[\d.]+:\d+)/);
    return { child, url, client: createPursuitClient({ baseUrl: url }) };
  };

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    model = await startScriptedModel({ behaviour: endlessWork, latencyMs: 60 });
    project = makeProject(model.url, { agent: { maxStepsPerTurn: 1 } });
  }, 60_000);
  afterAll(async () => {
    for (const child of started) {
      child.kill("SIGKILL");
      await child.exited;
    }
    await model?.close();
    await cluster?.stop();
    project?.cleanup();
  });

  it("completes every goal when one replica is killed mid-run: none charged twice, one request per session at a time", async () => {
    const database = cluster.createDatabase("replicas_failover");
    const TURNS = 30;
    const sessions: string[] = [];
    const addGoal = async (client: ReturnType<typeof createPursuitClient>) => {
      const id = (await sessionCreate({ client, body: {}, throwOnError: true })).data.id;
      const objective = `Write parts for goal ${sessions.length}`;
      await goalCreate({ client, path: { id }, body: { objective, limits: { turns: TURNS } }, throwOnError: true });
      sessions.push(id);
    };
    // The first replica alone takes the first six goals (so its death strands them), then two more join.
    const first = await replica(database);
    const replicas = [first];
    for (let index = 0; index < 6; index++) await addGoal(first.client);
    replicas.push(await replica(database), await replica(database));
    for (const { client } of replicas.slice(1)) for (let index = 0; index < 2; index++) await addGoal(client);
    const [victim, ...survivors] = replicas;
    const survivor = survivors[0];
    if (!victim || !survivor) throw new Error("no replicas");
    await until("every goal to have begun", async () => {
      const goals = await Promise.all(
        sessions.map(async (id) => (await goalGet({ client: survivor.client, path: { id } })).data),
      );
      return goals.every((goal) => (goal?.usage.turns ?? 0) >= 1);
    });
    victim.child.kill("SIGKILL");
    const killedAt = Date.now();
    expect(await victim.child.exitCode()).toBeNull();

    const goals = await until(
      "every goal to reach its turn limit on the surviving replicas",
      async () => {
        const all = await Promise.all(
          sessions.map(async (id) => (await goalGet({ client: survivor.client, path: { id } })).data),
        );
        return all.every((goal) => goal?.status === "budget_limited") ? all : undefined;
      },
      120_000,
    ).catch(async (error) => {
      const all = await Promise.all(
        sessions.map(async (id) => (await goalGet({ client: survivor.client, path: { id } })).data),
      );
      console.log(JSON.stringify(all.map((goal) => [goal?.sessionID, goal?.status, goal?.usage.turns, goal?.reason])));
      for (const one of survivors) console.log(one.child.stderr.slice(-3000));
      throw error;
    });
    // The killed replica drove the first six goals: how long until the last of them went on elsewhere?
    const wentOn = sessions.slice(0, 6).map((_, index) => {
      const objective = new RegExp(`Write parts for goal ${index}\\b`);
      return Math.min(
        ...model.requestsAfter(killedAt).flatMap((request) => (objective.test(request.raw) ? [request.time] : [])),
      );
    });
    const takeover = Math.max(...wentOn) - killedAt;
    console.log(`replicas: the killed replica's 6 goals all went on within ${Math.round(takeover)} ms of SIGKILL`);
    // The lease lasts 2 s; replicas look for orphaned sessions every third of it.
    expect(takeover).toBeLessThan(2_000 + 3_000);
    for (const goal of goals) expect(goal?.usage.turns).toBe(TURNS);

    expect(overlappingRequests(model.requests)).toEqual([]);
    await until("both survivors to go idle", async () => {
      const busy = await Promise.all(survivors.map(async ({ client }) => (await sessionStatus({ client })).data ?? {}));
      return busy.every((statuses) => Object.keys(statuses).length === 0);
    });
    let charged = 0;
    let estimated = 0;
    for (const id of sessions) {
      const history = (await goalHistory({ client: survivor.client, path: { id }, throwOnError: true })).data;
      const charges = history.flatMap((row) => (row.kind === "charged" ? [row] : []));
      const keys = charges.map((row) => row.key);
      expect(new Set(keys).size).toBe(keys.length);
      // Each goal's usage is the sum of its charges.
      const sum = charges.reduce((total, row) => total + row.charge.tokens, 0);
      const usage = (await goalGet({ client: survivor.client, path: { id } })).data?.usage.tokens;
      expect(usage).toBe(sum);
      charged += sum;
      estimated += charges.reduce((total, row) => total + (row.estimated ? row.charge.tokens : 0), 0);
    }
    // What was charged exactly was billed; the steps the kill left unsettled were charged from their reservations
    // (estimated) by the replica that took over, so the whole is close to the bill, not equal to it.
    const billed = billedTokens(model.requests);
    expect(charged - estimated).toBeLessThanOrEqual(billed);
    expect(charged / billed).toBeGreaterThanOrEqual(0.95);
    expect(charged / billed).toBeLessThanOrEqual(1.1);
    console.log(`replicas: charged ${charged} tokens (${estimated} estimated) of ${billed} billed`);
  }, 240_000);
});
