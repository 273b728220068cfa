import {
  createPursuitClient,
  goalCreate,
  goalGet,
  goalHistory,
  sessionCreate,
  sessionMessages,
  sessionStatus,
} from "@pursuit/sdk";
import {
  billedTokens,
  type PostgresCluster,
  type ScriptedModel,
  startPostgresCluster,
  startScriptedModel,
  pollUntil as until,
} from "@pursuit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endlessWrites, makeProject, type PursuitProcess, runPursuit, startServe } from "./pursuit-process.js";

describe("pursuit serve on PostgreSQL", () => {
  let cluster: PostgresCluster;
  let model: ScriptedModel;
  let project: ReturnType<typeof makeProject>;
  const started: PursuitProcess[] = [];

  const serve = (args: string[], env: Record<string, string> = {}) =>
    startServe(args, { cwd: project.directory, env: { ...project.env, ...env }, started });

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    model = await startScriptedModel({ behaviour: endlessWrites, latencyMs: 100 });
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

  it("runs a goal to its limit on PURSUIT_DATABASE_URL, resuming after SIGKILL on --db, no step charged twice", async () => {
    const database = cluster.createDatabase("serve_goal");
    const first = await serve([], { PURSUIT_DATABASE_URL: database });
    let client = createPursuitClient({ baseUrl: first.url });
    const id = (await sessionCreate({ client, body: {}, throwOnError: true })).data.id;
    await goalCreate({
      client,
      path: { id },
      body: { objective: "Write parts", limits: { turns: 6 } },
      throwOnError: true,
    });
    await until("two charged turns", async () => {
      const goal = (await goalGet({ client, path: { id } })).data;
      return goal && goal.usage.turns >= 2 ? goal : undefined;
    });
    first.child.kill("SIGKILL");
    expect(await first.child.exitCode()).toBeNull();
    const requestsAtKill = model.requests.length;

    // The same database named by the flag, with nothing in the environment: the goal goes on where it was.
    const second = await serve(["--db", database]);
    client = createPursuitClient({ baseUrl: second.url });
    const ended = await until(
      "the goal to reach its turn limit",
      async () => {
        const goal = (await goalGet({ client, path: { id } })).data;
        return goal && goal.status !== "active" ? goal : undefined;
      },
      90_000,
    );
    expect(ended).toMatchObject({ status: "budget_limited", usage: { turns: 6 } });
    await until("the session to go idle", async () => !(await sessionStatus({ client })).data?.[id]);

    const history = (await goalHistory({ client, path: { id }, throwOnError: true })).data;
    const charges = history.flatMap((row) => (row.kind === "charged" ? [row] : []));
    const keys = charges.map((row) => row.key);
    expect(new Set(keys).size).toBe(keys.length);
    const estimated = charges.reduce((sum, row) => sum + (row.estimated ? row.charge.tokens : 0), 0);
    expect(ended.usage.tokens - estimated).toBeLessThanOrEqual(billedTokens(model.requests));
    expect(ended.usage.tokens).toBeGreaterThanOrEqual(billedTokens(model.requests.slice(requestsAtKill)));

    // The transcript lives in PostgreSQL too: every answered step's write is there, in order.
    const messages = (await sessionMessages({ client, path: { id }, throwOnError: true })).data;
    const writes = messages.flatMap((message) =>
      message.parts.flatMap(({ data }) => (data.type === "tool" && data.state.status === "completed" ? [data] : [])),
    );
    expect(writes.length).toBeGreaterThanOrEqual(5);
    const seqs = messages.map((message) => message.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  }, 180_000);

  it("refuses to start on an unreachable server or a malformed URL, saying which", async () => {
    const unreachable = await runPursuit(["serve", "--port", "0", "--db", "postgres://pursuit@127.0.0.1:1/goals"], {
      cwd: project.directory,
      env: project.env,
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("cannot reach PostgreSQL at 127.0.0.1:1/goals");
    expect(unreachable.stderr).not.toContain("    at ");

    const malformed = await runPursuit(["serve", "--port", "0"], {
      cwd: project.directory,
      env: { ...project.env, PURSUIT_DATABASE_URL: "postgres://" },
    });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/PostgreSQL/);
  }, 60_000);
});
