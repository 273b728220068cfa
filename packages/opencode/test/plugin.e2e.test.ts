import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  type Client,
  createPursuitClient,
  goalContinuation,
  goalCreate,
  goalGet,
  goalHistory,
  goalQueueAdd,
  goalQueueList,
  goalUpdate,
} from "@pursuit/sdk";
import {
  analyzePrefixReuse,
  failingFirst,
  type RecordedRequest,
  type ScriptedModel,
  startScriptedModel,
  startWebhookReceiver,
  pollUntil as until,
  userTexts,
  validSignature,
  type WebhookReceiver,
} from "@pursuit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOpencodeProject,
  createSession,
  freePort,
  type OpencodeProject,
  type OpencodeServe,
  repoRoot,
  startOpencodeServe,
  waitForGoal,
  waitForGoalSettled,
  waitForIdle,
} from "./harness/index.js";
import { QUOTA_RESET_MS, quotaRefusedAt, scenarioReply } from "./scenario-model.js";

const PLUGIN_DIR = join(repoRoot, "packages/opencode");
const execFileAsync = promisify(execFile);
const POLICY = {
  backoffBaseMs: 200,
  backoffMaxMs: 1000,
  wrapUpMaxOutputTokens: 64,
  waitCheckFirstMs: 200,
  waitCheckMaxMs: 400,
};

type GoalView = {
  status: string;
  reason?: string;
  limit?: string;
  evidence?: string;
  createdBy: string;
  usage: { tokens: number; turns: number };
  wait?: { kind: string; by: string; check?: { command: string; runs: number } };
};

/** The model requests of one session: its conversation holds the objective (or the first words) given. */
function requestsFor(model: ScriptedModel, marker: string): RecordedRequest[] {
  return model.requests.filter((request) => userTexts(request).some((text) => text.includes(marker)));
}

describe("opencode-pursuit inside a real opencode serve", () => {
  let model: ScriptedModel;
  let project: OpencodeProject;
  let serve: OpencodeServe;
  let api: Client;
  let apiUrl: string;
  /** Told of every outcome, signed; the flaky one fails each delivery's first two attempts. */
  let receiver: WebhookReceiver;
  let flaky: WebhookReceiver;

  const goalWhen = (sessionID: string, test: (goal: GoalView) => boolean, timeoutMs?: number) =>
    waitForGoal(api, sessionID, test, timeoutMs);

  beforeAll(async () => {
    model = await startScriptedModel({ behaviour: scenarioReply, latencyMs: 5 });
    receiver = await startWebhookReceiver();
    flaky = await startWebhookReceiver(failingFirst(2));
    const port = await freePort();
    project = await createOpencodeProject({
      modelBaseURL: model.url,
      // No db option: the goals live at the default place under the isolated XDG_DATA_HOME.
      plugins: [
        {
          path: PLUGIN_DIR,
          options: {
            port,
            policy: POLICY,
            webhooks: [
              { url: receiver.url, secret: "plugin-secret" },
              { url: flaky.url, events: ["goal.complete"] },
            ],
          },
        },
      ],
      // Everything allowed but one command, which a wait's check must not run either.
      config: { permission: { "*": "allow", bash: { "*": "allow", "grep green ci-denied*": "deny" } } },
    });
    serve = await startOpencodeServe(project);
    apiUrl = `http://127.0.0.1:${port}`;
    api = createPursuitClient({ baseUrl: apiUrl });
  });

  afterAll(async () => {
    await serve?.stop();
    await receiver?.close();
    await flaky?.close();
    await model?.close();
    await project?.remove();
  });

  it("completes a goal set through the plugin's API across idle continuations, then makes no request", async () => {
    const session = await createSession(serve.client, "files");
    const created = await goalCreate({
      client: api,
      path: { id: session.id },
      body: { objective: "files 3: write f1..f3" },
    });
    expect(created.response.status).toBe(201);
    const done = await goalWhen(session.id, (goal) => goal.status === "complete");
    expect(done.evidence).toBe("f1..f3.txt exist");
    expect(done.usage.turns).toBeGreaterThanOrEqual(3);
    for (const name of ["f1.txt", "f2.txt", "f3.txt"]) expect(existsSync(join(project.dir, name))).toBe(true);
    // The completing turn ends with the model's summary of update_goal's result; then nothing follows.
    await waitForIdle(serve.client, session.id, 15_000);
    const requests = requestsFor(model, "files 3");
    const lastMessages = requests.at(-1)?.body.messages as { role: string; content: string }[];
    expect(lastMessages.at(-1)).toMatchObject({
      role: "tool",
      content: expect.stringContaining("The goal is complete"),
    });
    await waitForGoalSettled(api, session.id);
    expect(requestsFor(model, "files 3")).toHaveLength(requests.length);

    // Cache safety: every request of the run extends the previous one; system prompt and tools never change.
    const analysis = analyzePrefixReuse(requestsFor(model, "files 3"));
    expect(analysis.pairs.length).toBeGreaterThanOrEqual(5);
    expect(analysis.brokenPairs).toEqual([]);
    expect(analysis.minReuse).toBe(1);
    expect(analysis.pairs.every((pair) => !pair.systemChanged && !pair.toolsChanged)).toBe(true);

    // The plugin's webhooks were told: signed, with the goal's page on the plugin's goal API.
    const told = await until("the signed goal.complete", () =>
      receiver.received.find((one) => JSON.parse(one.body).session === session.id),
    );
    expect(validSignature(told, "plugin-secret")).toBe(true);
    expect(JSON.parse(told.body)).toMatchObject({
      event: "goal.complete",
      evidence: "f1..f3.txt exist",
      url: `${apiUrl}/#/session/${session.id}`,
    });
  });

  it("runs a queue of three goals to the end, each set as the one before completes", async () => {
    const session = await createSession(serve.client, "files queue");
    await goalCreate({ client: api, path: { id: session.id }, body: { objective: "files 1: queue one" } });
    for (const objective of ["files 2: queue two", "files 3: queue three"])
      await goalQueueAdd({ client: api, path: { id: session.id }, body: { objective }, throwOnError: true });
    const last = await goalWhen(
      session.id,
      (goal) => goal.status === "complete" && goal.evidence === "f1..f3.txt exist",
      40_000,
    );
    expect(last.status).toBe("complete");
    expect((await goalQueueList({ client: api, path: { id: session.id } })).data).toEqual([]);
    const history = (await goalHistory({ client: api, path: { id: session.id } })).data ?? [];
    expect(history.flatMap((row) => (row.kind === "created" ? [row.objective] : []))).toEqual([
      "files 1: queue one",
      "files 2: queue two",
      "files 3: queue three",
    ]);
    expect(history.filter((row) => row.kind === "status" && row.to === "complete")).toHaveLength(3);
    for (const name of ["f1.txt", "f2.txt", "f3.txt"]) expect(existsSync(join(project.dir, name))).toBe(true);
  });

  it("retries a webhook receiver that fails twice: the third attempt delivers, each attempt in the history", async () => {
    const session = await createSession(serve.client, "files flaky");
    await goalCreate({ client: api, path: { id: session.id }, body: { objective: "files 1: write f1" } });
    await goalWhen(session.id, (goal) => goal.status === "complete");
    const delivered = await until(
      "the flaky receiver's delivery",
      () => flaky.delivered().find((one) => JSON.parse(one.body).session === session.id),
      20_000,
    );
    const attempts = flaky.received.filter(
      (one) => one.headers["x-pursuit-delivery"] === delivered.headers["x-pursuit-delivery"],
    );
    expect(attempts.map((one) => one.status)).toEqual([500, 500, 200]);
    // Each attempt is recorded once the receiver has answered it: the last a moment after its POST.
    const rows = await until("the three attempts in the history", async () => {
      const history = (await goalHistory({ client: api, path: { id: session.id } })).data ?? [];
      const found = history.flatMap((row) =>
        row.kind === "webhook_attempted" && row.url === flaky.url ? [[row.attempt, row.delivered]] : [],
      );
      return found.length === 3 ? found : undefined;
    });
    expect(rows).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it("waits on the model's check with no model request while the file is unchanged, wakes on the change, completes", async () => {
    writeFileSync(join(project.dir, "ci-a"), "pending\n");
    const session = await createSession(serve.client, "ci");
    await goalCreate({ client: api, path: { id: session.id }, body: { objective: "ci ci-a: ship once CI is green" } });
    const waiting = await goalWhen(session.id, (goal) => goal.status === "waiting");
    expect(waiting.wait).toMatchObject({ kind: "check", by: "model", check: { command: "grep green ci-a" } });
    await waitForIdle(serve.client, session.id, 15_000);
    const requests = requestsFor(model, "ci ci-a").length;
    await goalWhen(session.id, (goal) => (goal.wait?.check?.runs ?? 0) >= 3, 10_000);
    expect(requestsFor(model, "ci ci-a")).toHaveLength(requests);
    const next = await goalContinuation({ client: api, path: { id: session.id } });
    expect(next.data).toMatchObject({ state: "waiting", kind: "check", nextCheckAt: expect.any(Number) });
    // A person's pause during the wait holds; once resumed, the model asks to wait again and the check passes.
    await goalUpdate({ client: api, path: { id: session.id }, body: { status: "paused" } });
    writeFileSync(join(project.dir, "ci-a"), "green\n");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await goalGet({ client: api, path: { id: session.id } })).data?.status).toBe("paused");
    expect(requestsFor(model, "ci ci-a")).toHaveLength(requests);
    await goalUpdate({ client: api, path: { id: session.id }, body: { status: "active" } });
    const done = await goalWhen(session.id, (goal) => goal.status === "complete", 20_000);
    expect(done.evidence).toBe("ci-a is green");
  });

  it("blocks completion until each acceptance criterion is closed, a checked one only once its check passes", async () => {
    const session = await createSession(serve.client, "criteria");
    const created = await goalCreate({
      client: api,
      path: { id: session.id },
      body: {
        objective: "criteria: write crit.txt",
        criteria: [{ text: "crit.txt exists", check: "test -f crit.txt" }, "the notes say so"],
      },
    });
    expect(created.response.status).toBe(201);
    const done = await goalWhen(session.id, (goal) => goal.status === "complete", 30_000);
    expect(done.evidence).toBe("both criteria closed");
    const goal = (await goalGet({ client: api, path: { id: session.id } })).data;
    expect(goal?.criteria?.map((criterion) => [criterion.id, criterion.closed?.evidence])).toEqual([
      [1, "crit.txt is there"],
      [2, "the notes say so"],
    ]);
    const results = requestsFor(model, "criteria: write crit.txt")
      .at(-1)
      ?.body.messages.filter((message) => message.role === "tool")
      .map((message) => String(message.content));
    expect(results?.[0]).toContain(
      'the goal is not complete while criteria 1 ("crit.txt exists"), 2 ("the notes say so") are open',
    );
    expect(results?.[2]).toContain("criterion 1's check `test -f crit.txt` failed, so it stays open");
    const history = (await goalHistory({ client: api, path: { id: session.id } })).data ?? [];
    expect(history.flatMap((row) => (row.kind === "verified" ? [[row.criterion, row.passed]] : []))).toEqual([
      [1, false],
      [1, true],
    ]);
    expect(history.flatMap((row) => (row.kind === "criterion_closed" ? [row.criterion] : []))).toEqual([2, 1]);
  });

  it("refuses a wait whose check OpenCode's bash permission rules deny, naming the rule, and never runs it", async () => {
    writeFileSync(join(project.dir, "ci-denied"), "green\n");
    const session = await createSession(serve.client, "ci denied");
    await goalCreate({
      client: api,
      path: { id: session.id },
      body: { objective: "ci ci-denied: ship once CI is green" },
    });
    const refusal = await until("the refused wait's tool result", () =>
      requestsFor(model, "ci ci-denied")
        .flatMap((request) => request.body.messages as { role: string; content: unknown }[])
        .find((message) => message.role === "tool" && String(message.content).includes("not allowed")),
    );
    expect(String(refusal.content)).toContain(`OpenCode's permission rule bash "grep green ci-denied*": "deny"`);
    await goalUpdate({ client: api, path: { id: session.id }, body: { status: "paused" } });
    const history = (await goalHistory({ client: api, path: { id: session.id } })).data ?? [];
    expect(history.some((row) => row.kind === "status" && row.to === "waiting")).toBe(false);
    expect(history.some((row) => row.kind === "wait_checked")).toBe(false);
  });

  it("turns a model polling `cat` for the same output into a wait on it, and completes when the file changes", async () => {
    writeFileSync(join(project.dir, "ci-b"), "pending\n");
    const session = await createSession(serve.client, "poll");
    await goalCreate({
      client: api,
      path: { id: session.id },
      body: { objective: "poll ci-b: ship once CI is green" },
    });
    const waiting = await goalWhen(session.id, (goal) => goal.status === "waiting", 30_000);
    expect(waiting.wait).toMatchObject({ kind: "check", by: "runtime", check: { command: "cat ci-b" } });
    expect(waiting.usage.turns).toBeLessThanOrEqual(3);
    await waitForIdle(serve.client, session.id, 15_000);
    const requests = requestsFor(model, "poll ci-b").length;
    await goalWhen(session.id, (goal) => (goal.wait?.check?.runs ?? 0) >= 2, 10_000);
    expect(requestsFor(model, "poll ci-b")).toHaveLength(requests);
    writeFileSync(join(project.dir, "ci-b"), "green\n");
    const done = await goalWhen(session.id, (goal) => goal.status === "complete", 20_000);
    expect(done.evidence).toBe("ci-b is green");
    const last = requestsFor(model, "poll ci-b").at(-1);
    expect(userTexts(last!).at(-1)).toContain("the runtime waited on `cat ci-b` until its output changed");
  });

  it("shows a question to a person as waiting / needs input, and continues after the answer", async () => {
    const session = await createSession(serve.client, "ask");
    await goalCreate({ client: api, path: { id: session.id }, body: { objective: "ask where to deploy" } });
    const asked = await goalWhen(session.id, (goal) => goal.status === "waiting", 20_000);
    expect(asked.wait).toMatchObject({ kind: "person", by: "runtime" });
    expect(asked.reason).toBe("needs input: Deploy to staging or production?");
    const next = await goalContinuation({ client: api, path: { id: session.id } });
    expect(next.data).toMatchObject({ state: "running" });
    const pending = (await (await fetch(`${serve.url}/question`)).json()) as { id: string; sessionID: string }[];
    const request = pending.find((item) => item.sessionID === session.id);
    expect(request).toBeDefined();
    const replied = await fetch(`${serve.url}/question/${request?.id}/reply`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ answers: [["staging"]] }),
    });
    expect(replied.ok).toBe(true);
    const done = await goalWhen(session.id, (goal) => goal.status === "complete", 20_000);
    expect(done.evidence).toContain("staging");
    const history = await goalHistory({ client: api, path: { id: session.id } });
    const statuses = (history.data ?? []).flatMap((row) => (row.kind === "status" ? [`${row.from}->${row.to}`] : []));
    expect(statuses).toEqual(["active->waiting", "waiting->active", "active->complete"]);
  });

  it("waits for a usage quota's reset (a 429 naming it) with no request before it, then completes", async () => {
    const session = await createSession(serve.client, "quota");
    const objective = "quota: say ok";
    await goalCreate({ client: api, path: { id: session.id }, body: { objective } });
    const waiting = await goalWhen(session.id, (goal) => goal.status === "waiting", 20_000);
    expect(waiting.wait).toMatchObject({ kind: "quota", by: "runtime" });
    const refusedAt = quotaRefusedAt.get(objective) ?? 0;
    const done = await goalWhen(session.id, (goal) => goal.status === "complete", 30_000);
    expect(done.evidence).toBe("answered after the reset");
    const requests = requestsFor(model, objective);
    // The refused request, then nothing until the reset.
    expect(requests[0]?.response?.status).toBe(429);
    expect(requests[1]?.time).toBeGreaterThanOrEqual(refusedAt + QUOTA_RESET_MS - 1_000);
    // The refused request was not billed, so not charged: only the answered ones are.
    const history = await goalHistory({ client: api, path: { id: session.id } });
    const estimated = (history.data ?? []).filter((row) => row.kind === "charged" && row.estimated);
    expect(estimated).toEqual([]);
  });

  it("is controlled by `pursuit goal --url` like Pursuit's own server", async () => {
    const session = await createSession(serve.client, "cli");
    const pursuit = (...args: string[]) =>
      execFileAsync(process.execPath, [
        join(repoRoot, "packages/cli/bin/pursuit.js"),
        "goal",
        ...args,
        "--session",
        session.id,
        "--url",
        apiUrl,
      ]);
    await pursuit("set", "stall: wait for the CLI");
    const paused = await pursuit("pause", "--json");
    expect(JSON.parse(paused.stdout)).toMatchObject({ sessionID: session.id, status: "paused" });
    const shown = await pursuit("show", "--json");
    expect(JSON.parse(shown.stdout)).toMatchObject({ objective: "stall: wait for the CLI", status: "paused" });
  });

  it("pauses a text-only model after 3 continuation turns, with backoff between them", async () => {
    const session = await createSession(serve.client, "stall");
    await goalCreate({ client: api, path: { id: session.id }, body: { objective: "stall: think hard" } });
    const paused = await goalWhen(session.id, (goal) => goal.status === "paused");
    expect(paused.reason).toBe("no progress in 3 continuation turns in a row");
    const requests = requestsFor(model, "stall: think hard");
    expect(requests).toHaveLength(3);
    const gaps = [1, 2].map((i) => (requests[i]?.time ?? 0) - (requests[i - 1]?.time ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(POLICY.backoffBaseMs);
    expect(gaps[1]).toBeGreaterThanOrEqual(POLICY.backoffBaseMs * 2);
    await waitForGoalSettled(api, session.id);
    expect(requestsFor(model, "stall: think hard")).toHaveLength(3);
  });

  it("ends budget_limited at a token limit, with at most one request after the limit was reached", async () => {
    const session = await createSession(serve.client, "budget");
    await goalCreate({
      client: api,
      path: { id: session.id },
      body: { objective: "budget: write files", limits: { tokens: 12_000 } },
    });
    const limited = await goalWhen(session.id, (goal) => goal.status === "budget_limited");
    expect(limited.limit).toBe("tokens");
    const history = (await goalHistory({ client: api, path: { id: session.id } })).data as {
      kind: string;
      to?: string;
      time: number;
    }[];
    const limitedAt = history.find((row) => row.kind === "status" && row.to === "budget_limited")?.time ?? 0;
    await waitForGoalSettled(api, session.id);
    const after = requestsFor(model, "budget: write files").filter((request) => request.time > limitedAt);
    expect(after.length).toBeLessThanOrEqual(1);
    for (const request of after) expect(request.body.max_tokens).toBeLessThanOrEqual(POLICY.wrapUpMaxOutputTokens);
  });

  it("pauses the goal when OpenCode's own abort stops a turn, and nothing continues", async () => {
    const session = await createSession(serve.client, "hang");
    await goalCreate({ client: api, path: { id: session.id }, body: { objective: "hang: wait for it" } });
    await until("the hanging request", async () =>
      requestsFor(model, "hang: wait for it").length > 0 ? true : undefined,
    );
    await serve.client.session.abort({ path: { id: session.id } });
    const paused = await goalWhen(session.id, (goal) => goal.status === "paused", 15_000);
    expect(paused.reason).toBe("aborted by the user");
    await waitForGoalSettled(api, session.id);
    expect(requestsFor(model, "hang: wait for it")).toHaveLength(1);
  });

  it("exposes get_goal, create_goal and update_goal to the model, refusing what the model may not do", async () => {
    const session = await createSession(serve.client, "tools");
    await serve.client.session.prompt({
      path: { id: session.id },
      body: { parts: [{ type: "text", text: "tools: please set yourself a goal to write notes.txt" }] },
    });
    const goal = await goalWhen(session.id, (candidate) => candidate.status === "complete", 30_000);
    expect(goal).toMatchObject({ createdBy: "model", evidence: "notes.txt exists", limits: { tokens: 500_000 } });
    const last = requestsFor(model, "tools: please").at(-1);
    const results = ((last?.body.messages ?? []) as { role: string; content: string }[])
      .filter((message) => message.role === "tool")
      .map((message) => message.content);
    // An argument the runtime does not know is refused by name, not dropped (OpenCode itself would strip it).
    expect(results[0]).toContain("create_goal does not know the argument budget");
    expect(results[2]).toContain("Objective: tools scenario: write notes.txt");
    expect(results[2]).toContain("Limits: 500000 tokens.");
    expect(results[3]).toContain("only the user can pause, resume or clear a goal");
    expect(results[4]).toContain("completing needs evidence");
    expect(results[6]).toContain("The goal is complete");
  });
});
