import {
  type Client,
  createPursuitClient,
  type Event,
  events,
  type Goal,
  goalClear,
  goalCreate,
  goalGet,
  goalHistory,
  goalQueueAdd,
  goalQueueDrop,
  goalQueueList,
  goalQueueOrder,
  goalUpdate,
  sessionCreate,
} from "@pursuit/sdk";
import {
  type BehaviourFunction,
  demoBehaviour,
  type ScriptedModel,
  startScriptedModel,
  pollUntil as until,
} from "@pursuit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProject, PursuitProcess, runPursuit } from "./pursuit-process.js";

/** Answers with text only: no progress, so the goal idles in backoff between turns. */
const talkOnly: BehaviourFunction = () => ({ text: "Still thinking about it." });

describe("the goal API of a real `pursuit serve` process, through the generated SDK", () => {
  let model: ScriptedModel;
  let project: ReturnType<typeof makeProject>;
  let serve: PursuitProcess;
  let client: Client;
  let url: string;

  beforeAll(async () => {
    model = await startScriptedModel({ behaviour: talkOnly });
    // A weekly ceiling these tests never come near: `pursuit goal spend` shows spend against it.
    project = makeProject(model.url, {
      agent: { maxStepsPerTurn: 1 },
      spendCeilings: { weekly: { tokens: 9_000_000 } },
    });
    serve = new PursuitProcess(["serve", "--port", "0", "--db", project.db], {
      cwd: project.directory,
      env: project.env,
    });
    [, url = ""] = await serve.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    client = createPursuitClient({ baseUrl: url });
  });
  afterAll(async () => {
    serve?.kill();
    await serve?.exitCode();
    await model?.close();
    project?.cleanup();
  });

  const newSession = async () => (await sessionCreate({ client, body: {}, throwOnError: true })).data.id;
  const getGoal = async (id: string) => (await goalGet({ client, path: { id }, throwOnError: true })).data;

  it("creates, refuses a second, edits, pauses, resumes, raises a limit and clears, recording who did what", async () => {
    model.setBehaviour(talkOnly);
    const id = await newSession();
    const created = await goalCreate({
      client,
      path: { id },
      body: { objective: "Tidy the docs", limits: { turns: 50 } },
    });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ objective: "Tidy the docs", status: "active", limits: { turns: 50 } });

    const second = await goalCreate({ client, path: { id }, body: { objective: "Something else" } });
    expect(second.response.status).toBe(409);
    expect(second.error).toMatchObject({ error: { code: "conflict" } });

    const edited = await goalUpdate({ client, path: { id }, body: { objective: "Tidy the docs and the README" } });
    expect(edited.data?.objective).toBe("Tidy the docs and the README");

    const paused = await goalUpdate({ client, path: { id }, body: { status: "paused", reason: "lunch" } });
    expect(paused.data).toMatchObject({ status: "paused", reason: "lunch" });
    const resumed = await goalUpdate({ client, path: { id }, body: { status: "active" } });
    expect(resumed.data?.status).toBe("active");

    // Lower the token limit under what is spent (budget_limited), then raise it: the goal is active again.
    const spent = await until("a charged turn", async () => {
      const goal = await getGoal(id);
      return goal && goal.usage.tokens > 0 ? goal.usage.tokens : undefined;
    });
    const lowered = await goalUpdate({ client, path: { id }, body: { limits: { tokens: spent } } });
    expect(lowered.data).toMatchObject({ status: "budget_limited", limit: "tokens" });
    const raised = await goalUpdate({ client, path: { id }, body: { limits: { tokens: spent + 1_000_000 } } });
    expect(raised.data).toMatchObject({ status: "active", limits: { tokens: spent + 1_000_000 } });

    await goalUpdate({ client, path: { id }, body: { status: "paused" } });
    const cleared = await goalClear({ client, path: { id } });
    expect(cleared.data).toEqual({ cleared: true });
    expect(await getGoal(id)).toBeNull();

    const history = (await goalHistory({ client, path: { id }, throwOnError: true })).data;
    const changes = history
      .filter((row) => row.kind !== "charged" && row.kind !== "continued")
      .map((row) => `${row.actor} ${row.kind}${row.kind === "status" ? ` ${row.from}->${row.to}` : ""}`);
    expect(changes).toEqual([
      "user created",
      "user edited",
      "user status active->paused",
      "user status paused->active",
      "user edited",
      "user status active->budget_limited",
      "user edited",
      "user status budget_limited->active",
      "user status active->paused",
      "user cleared",
    ]);
    expect(history.filter((row) => row.kind === "charged").every((row) => row.actor === "runtime")).toBe(true);
    const objectiveEdit = history.find((row) => row.kind === "edited");
    expect(objectiveEdit).toMatchObject({ objective: "Tidy the docs and the README" });
  }, 120_000);

  it("streams goal events over SSE in order while a goal runs", async () => {
    model.setBehaviour(demoBehaviour);
    const id = await newSession();
    const controller = new AbortController();
    const seen: Event[] = [];
    const connected = new Promise<void>((ready) => {
      void (async () => {
        for await (const event of events(client, { signal: controller.signal })) {
          if (event.type === "server.connected") ready();
          if (event.type.startsWith("session.goal.") && "sessionID" in event.properties) {
            if (event.properties.sessionID === id) seen.push(event);
          }
        }
      })();
    });
    await connected;
    await goalCreate({ client, path: { id }, body: { objective: "Create one.txt, two.txt and three.txt" } });
    await until("the goal to complete", async () => (await getGoal(id))?.status === "complete");
    await goalClear({ client, path: { id } });
    await until("the cleared event", async () => seen.some((event) => event.type === "session.goal.cleared"));
    controller.abort();

    const types = seen.map((event) => event.type);
    expect(types[0]).toBe("session.goal.updated");
    expect(types.at(-1)).toBe("session.goal.cleared");
    const goals = seen.flatMap((event) => ("goal" in event.properties ? [event.properties.goal as Goal] : []));
    expect(goals[0]?.status).toBe("active");
    expect(goals.at(-1)?.status).toBe("complete");
    // Three files, one step per turn, then update_goal: the runtime continued the goal on its own.
    const continued = seen.filter((event) => event.type === "session.goal.continued");
    expect(continued.length).toBeGreaterThanOrEqual(2);
    // In order: usage only grows, continuation turns count up, nothing follows the clear.
    const tokens = goals.map((goal) => goal.usage.tokens);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    const turns = continued.map((event) =>
      "goal" in event.properties ? (event.properties.goal as Goal).usage.turns : -1,
    );
    expect(turns).toEqual([...turns].sort((a, b) => a - b));
    expect(new Set(turns).size).toBe(turns.length);
    expect(types.indexOf("session.goal.cleared")).toBe(types.length - 1);
  }, 120_000);

  it("queues next goals: added, reordered and dropped by a person; the next starts when the goal completes", async () => {
    model.setBehaviour(talkOnly);
    const id = await newSession();
    await goalCreate({ client, path: { id }, body: { objective: "First", limits: { turns: 50 } }, throwOnError: true });
    const add = (objective: string) => goalQueueAdd({ client, path: { id }, body: { objective } });
    expect((await add("Second")).response.status).toBe(201);
    const third = await add("Third");
    const [second, last] = third.data ?? [];
    expect(third.data?.map((item) => item.input.objective)).toEqual(["Second", "Third"]);
    const bad = await goalQueueAdd({ client, path: { id }, body: { objective: "x", limits: { turns: 0 } } });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ error: { field: "limits.turns" } });
    const ordered = await goalQueueOrder({ client, path: { id }, body: { ids: [last?.id ?? "", second?.id ?? ""] } });
    expect(ordered.data?.map((item) => item.input.objective)).toEqual(["Third", "Second"]);
    const missing = await goalQueueOrder({ client, path: { id }, body: { ids: [last?.id ?? ""] } });
    expect(missing.response.status).toBe(400);
    // A stop other than completion leaves the queue for a person.
    await goalUpdate({ client, path: { id }, body: { status: "paused" }, throwOnError: true });
    expect((await goalQueueList({ client, path: { id } })).data).toHaveLength(2);
    // Completing starts the next at once.
    await goalUpdate({ client, path: { id }, body: { status: "complete" }, throwOnError: true });
    const next = await until("the next queued goal", async () => {
      const goal = await getGoal(id);
      return goal?.objective === "Third" ? goal : undefined;
    });
    expect(next).toMatchObject({ status: "active", createdBy: "user" });
    expect((await goalQueueList({ client, path: { id } })).data?.map((item) => item.input.objective)).toEqual([
      "Second",
    ]);
    const dropped = await goalQueueDrop({ client, path: { id, queuedID: second?.id ?? "" } });
    expect(dropped.data).toEqual([]);
    expect((await goalQueueDrop({ client, path: { id, queuedID: "que_gone" } })).response.status).toBe(404);
    await goalClear({ client, path: { id }, throwOnError: true });
    // With no unfinished goal, a queued goal starts at once.
    await add("Right away");
    expect((await getGoal(id))?.objective).toBe("Right away");
    await goalClear({ client, path: { id }, throwOnError: true });
  }, 120_000);

  it("drives the same routes from the command line", async () => {
    model.setBehaviour(talkOnly);
    const goal = (...args: string[]) =>
      runPursuit(["goal", ...args, "--url", url], { cwd: project.directory, env: project.env });
    const set = await goal("set", "Polish the changelog", "--turns", "40");
    expect(set.code, set.stderr).toBe(0);
    const [, id = ""] = set.stderr.match(/created session (ses_\w+)/) ?? [];
    expect(set.stdout).toContain("ACTIVE  Polish the changelog");
    const settings = JSON.parse((await goal("show", "--session", id, "--json")).stdout);
    expect(settings.waitForQuota).toBeUndefined();

    expect((await goal("pause", "--session", id, "--reason", "review first")).stdout).toContain("PAUSED");
    expect((await goal("limit", "--session", id, "--tokens", "500k", "--turns", "none")).stdout).toMatch(/of 500k/);
    const shown = await goal("show", "--session", id, "--json");
    expect(JSON.parse(shown.stdout)).toMatchObject({ status: "paused", limits: { tokens: 500_000 } });
    expect(JSON.parse(shown.stdout).limits.turns).toBeUndefined();
    expect((await goal("resume", "--session", id)).stdout).toContain("ACTIVE");
    const again = await goal("set", "Another", "--session", id);
    expect(again.code).toBe(1);
    const optedOut = await goal("set", "Stop at the quota", "--no-quota-wait", "--max-wait", "2h", "--json");
    expect(JSON.parse(optedOut.stdout)).toMatchObject({ waitForQuota: false, maxWaitSeconds: 7200 });
    expect(again.stderr).toMatch(/unfinished goal.*HTTP 409/);
    expect((await goal("clear", "--session", id)).stdout).toContain("cleared");
    const history = await goal("history", "--session", id);
    expect(history.stdout).toMatch(/user\s+created "Polish the changelog"/);
    expect(history.stdout).toMatch(/user\s+paused -> active|user\s+active -> paused: review first/);
    // The queue from the command line.
    const queueSession = JSON.parse((await goal("set", "Hold the line", "--json")).stdout).sessionID as string;
    const queued = await goal("queue", "add", "Then this", "--turns", "5", "--session", queueSession);
    expect(queued.stdout).toMatch(/^1\. que_\w+ {2}Then this$/m);
    const [, queuedID = ""] = queued.stdout.match(/(que_\w+)/) ?? [];
    expect((await goal("queue", "--session", queueSession)).stdout).toContain("Then this");
    expect((await goal("queue", "drop", queuedID, "--session", queueSession)).stdout).toContain("is empty");
    const wrong = await goal("queue", "shuffle", "--session", queueSession);
    expect(wrong.stderr).toContain('unknown queue action "shuffle"');
    expect((await goal("clear", "--session", queueSession)).code).toBe(0);
    const missing = await goal("show", "--session", "ses_missing");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("HTTP 404");
  }, 120_000);

  it("sets, shows and replaces acceptance criteria from the command line, refusing a check without its criterion", async () => {
    model.setBehaviour(talkOnly);
    const goal = (...args: string[]) =>
      runPursuit(["goal", ...args, "--url", url], { cwd: project.directory, env: project.env });
    const set = await goal(
      "set",
      "Release 1.2",
      "--criterion",
      "the tests pass",
      "--criterion-check",
      "npm test",
      "--criterion",
      "the changelog names 1.2",
    );
    expect(set.code, set.stderr).toBe(0);
    const [, id = ""] = set.stderr.match(/created session (ses_\w+)/) ?? [];
    expect(set.stdout).toContain(
      "  criteria: 0 of 2 closed\n    [ ] 1. the tests pass (check: npm test)\n    [ ] 2. the changelog names 1.2",
    );
    const replaced = await goal("criteria", "--session", id, "--criterion", "the changelog names 1.2", "--json");
    expect(JSON.parse(replaced.stdout).criteria).toEqual([{ id: 1, text: "the changelog names 1.2" }]);
    const orphan = await goal("criteria", "--session", id, "--criterion-check", "npm test");
    expect(orphan.code).toBe(1);
    expect(orphan.stderr).toContain("--criterion-check must follow the --criterion it checks");
    const blank = await goal("criteria", "--session", id, "--criterion", "  ");
    expect(blank.code).toBe(1);
    expect(blank.stderr).toMatch(/criteria\.0\.text must not be empty.*HTTP 400/);
    const removed = await goal("criteria", "--session", id, "--none", "--json");
    expect(JSON.parse(removed.stdout).criteria).toBeUndefined();
    const history = await goal("history", "--session", id);
    expect(history.stdout).toMatch(/user\s+edited .*"criteria":\[\{"text":"the changelog names 1.2"\}\]/);
    expect(history.stdout).toMatch(/user\s+edited .*"criteria":null/);
    expect((await goal("clear", "--session", id)).code).toBe(0);
  }, 120_000);

  it("shows what all goals spent today and this week against the ceilings: `pursuit goal spend`", async () => {
    const spend = (...args: string[]) =>
      runPursuit(["goal", "spend", ...args, "--url", url], { cwd: project.directory, env: project.env });
    const text = await spend();
    expect(text.code, text.stderr).toBe(0);
    const [today, week] = text.stdout.trim().split("\n");
    expect(today).toMatch(/^Today \(UTC, turns over in \S+\): [\d.]+[km]? tokens, \$0\.00 \(no ceiling\)$/);
    expect(week).toMatch(/^This week \(UTC, turns over in \S+\): [\d.]+[km]? tokens of 9\.00m, \$0\.00$/);
    const json = JSON.parse((await spend("--json")).stdout);
    expect(json.windows[1]).toMatchObject({ window: "weekly", ceiling: { tokens: 9_000_000 } });
    expect(json.windows[0].spent.tokens).toBeGreaterThan(0);
  });
});

describe("reaching the server", () => {
  it("says so when no server listens", async () => {
    const result = await runPursuit(["goal", "show", "--session", "ses_x", "--url", "http://127.0.0.1:9"], {
      cwd: process.cwd(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("cannot reach the server at http://127.0.0.1:9");
  }, 120_000);
});
