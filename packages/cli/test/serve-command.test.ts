import {
  createPursuitClient,
  events,
  goalCreate,
  goalGet,
  goalHistory,
  goalUpdate,
  sessionCreate,
  sessionStatus,
} from "@pursuit/sdk";
import { billedTokens, type ScriptedModel, startScriptedModel, pollUntil as until } from "@pursuit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endlessWrites, makeProject, type PursuitProcess, runPursuit, startServe } from "./pursuit-process.js";

describe("pursuit serve", () => {
  let model: ScriptedModel;
  let project: ReturnType<typeof makeProject>;
  const started: PursuitProcess[] = [];

  const serve = (args: string[] = [], env: Record<string, string> = {}) =>
    startServe(["--db", project.db, ...args], { cwd: project.directory, env: { ...project.env, ...env }, started });

  beforeAll(async () => {
    model = await startScriptedModel({ behaviour: endlessWrites, latencyMs: 150 });
    project = makeProject(model.url, { agent: { maxStepsPerTurn: 1 } });
  });
  afterAll(async () => {
    for (const child of started) {
      child.kill("SIGKILL");
      await child.exited;
    }
    await model?.close();
    project?.cleanup();
  });

  it("resumes an active goal after SIGKILL and a restart on the same database, charging no token twice", async () => {
    const first = await serve();
    let client = createPursuitClient({ baseUrl: first.url });
    const id = (await sessionCreate({ client, body: {}, throwOnError: true })).data.id;
    await goalCreate({ client, path: { id }, body: { objective: "Write parts", limits: { tokens: 5_000_000 } } });
    const turnsBefore = await until("two charged turns", async () => {
      const goal = (await goalGet({ client, path: { id } })).data;
      return goal && goal.usage.turns >= 2 ? goal.usage.turns : undefined;
    });
    first.child.kill("SIGKILL");
    expect(await first.child.exitCode()).toBeNull();
    const requestsAtKill = model.requests.length;

    const second = await serve();
    client = createPursuitClient({ baseUrl: second.url });
    const resumed = await until("the goal to continue after the restart", async () => {
      const goal = (await goalGet({ client, path: { id } })).data;
      return goal && goal.usage.turns >= turnsBefore + 2 ? goal : undefined;
    });
    expect(resumed.status).toBe("active");
    expect(model.requests.length).toBeGreaterThan(requestsAtKill);

    await goalUpdate({ client, path: { id }, body: { status: "paused" }, throwOnError: true });
    await until("the session to go idle", async () => !(await sessionStatus({ client })).data?.[id]);
    const goal = (await goalGet({ client, path: { id }, throwOnError: true })).data;
    const history = (await goalHistory({ client, path: { id }, throwOnError: true })).data;
    const charges = history.flatMap((row) => (row.kind === "charged" ? [row] : []));
    const keys = charges.map((row) => row.key);
    expect(new Set(keys).size).toBe(keys.length);
    // Against what the model billed: none twice, and everything answered after the restart is charged. The
    // step the kill cut is charged from its reservation, marked estimated (the model never finished billing it).
    const estimated = charges.reduce((sum, row) => sum + (row.estimated ? row.charge.tokens : 0), 0);
    expect((goal?.usage.tokens ?? 0) - estimated).toBeLessThanOrEqual(billedTokens(model.requests));
    expect(goal?.usage.tokens).toBeGreaterThanOrEqual(billedTokens(model.requests.slice(requestsAtKill)));
    expect(billedTokens(model.requests.slice(requestsAtKill))).toBeGreaterThan(0);
  }, 120_000);

  it("refuses a non-loopback address without a password, explaining why", async () => {
    const result = await runPursuit(["serve", "--hostname", "0.0.0.0", "--port", "0", "--db", project.db], {
      cwd: project.directory,
      env: project.env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("refusing to listen on 0.0.0.0 without a password");
    expect(result.stderr).toContain("PURSUIT_SERVER_PASSWORD");
  }, 120_000);

  it("with a password, listens anywhere and every client must send it", async () => {
    const secret = "open sesame";
    const { url } = await serve(["--hostname", "0.0.0.0"], { PURSUIT_SERVER_PASSWORD: secret });
    const local = url.replace("0.0.0.0", "127.0.0.1");
    expect((await fetch(`${local}/goal`)).status).toBe(401);
    expect((await fetch(`${local}/goal`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);

    const first = async (password: string) => {
      for await (const event of events(createPursuitClient({ baseUrl: local, password }))) return event.type;
    };
    expect(await first(secret)).toBe("server.connected");
    await expect(first("guess")).rejects.toThrow("the server refused the event stream (HTTP 401");

    const show = (env: Record<string, string>) =>
      runPursuit(["goal", "show", "--session", "ses_x", "--url", local], { cwd: project.directory, env });
    const refused = await show({ PURSUIT_SERVER_PASSWORD: "" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("HTTP 401");
    const allowed = await show({ PURSUIT_SERVER_PASSWORD: secret });
    expect(allowed.stderr).toContain("HTTP 404"); // past the password: the session does not exist
  }, 120_000);
});
