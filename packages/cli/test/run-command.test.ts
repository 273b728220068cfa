import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type BehaviourFunction,
  demoBehaviour,
  lastToolResult,
  lastUserText,
  pollUntil,
  type ScriptedModel,
  startScriptedModel,
  startWebhookReceiver,
  toolCallsMade,
} from "@pursuit/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeProject, PursuitProcess, runPursuit } from "./pursuit-process.js";

/** Writes a new file on every request: steady progress that never finishes on its own. */
const endlessWork: BehaviourFunction = (_request, context) => ({
  text: `Working on part ${context.index}.`,
  toolCalls: [{ name: "write", arguments: { path: `part-${context.index}.txt`, content: "x".repeat(400) } }],
});

/** Asks the runtime to wait for CI on a check command, says so, and completes once woken. */
const CI_CHECK = "grep green ci-status";
const waitsForCI: BehaviourFunction = (request) => {
  if (lastToolResult(request)?.content.startsWith("The goal is complete")) return { text: "Shipped." };
  if (lastUserText(request).includes("Note:")) {
    return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "CI is green" } }] };
  }
  if (toolCallsMade(request, "update_goal").length === 0) {
    return { toolCalls: [{ name: "update_goal", arguments: { status: "waiting", reason: "CI", check: CI_CHECK } }] };
  }
  return { text: "Waiting for CI." };
};
/** Checks every 200 ms, doubling to 400 ms: a wait's life in a fraction of a second. */
const FAST_WAITS = { waitCheckFirstMs: 200, waitCheckMaxMs: 400 };

const ESCAPE = "\x1b";

describe("pursuit run against the scripted model", () => {
  let model: ScriptedModel;
  let project: ReturnType<typeof makeProject>;

  beforeAll(async () => {
    model = await startScriptedModel({ behaviour: demoBehaviour });
  });
  beforeEach(() => {
    model.setBehaviour(demoBehaviour);
    project?.cleanup();
    project = makeProject(model.url, { agent: { maxStepsPerTurn: 1 } });
  });
  afterAll(async () => {
    project?.cleanup();
    await model?.close();
  });

  const run = (...args: string[]) =>
    runPursuit([...args, "--db", project.db], { cwd: project.directory, env: project.env });

  it("completes a goal: exit 0, a summary, the files written, no escape codes off a terminal", async () => {
    const result = await run("run", "--goal", "Create a.txt and b.txt", "--tokens", "200k");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Goal complete.");
    expect(result.stdout).toMatch(/turns:\s+3/);
    expect(result.stdout).toMatch(/tokens:\s+[\d.]+k? of 200k charged/);
    expect(result.stderr).toMatch(/turn 2 started/);
    expect(result.stderr).toMatch(/tool write b\.txt/);
    expect(result.stdout + result.stderr).not.toContain(ESCAPE);
    expect(existsSync(join(project.directory, "a.txt")) && existsSync(join(project.directory, "b.txt"))).toBe(true);
  }, 120_000);

  it("writes the event stream as JSON lines with --json, ending with the outcome", async () => {
    const result = await run("run", "--json", "--goal", "Create c.txt");
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; properties: Record<string, unknown> });
    const types = events.map((event) => event.type);
    expect(types).toContain("session.goal.updated");
    expect(types).toContain("message.part.updated");
    expect(types.at(-1)).toBe("run.finished");
    expect(events.at(-1)?.properties).toMatchObject({ exitCode: 0, goal: { status: "complete" } });
  }, 120_000);

  it("stops at a token limit with exit 2", async () => {
    model.setBehaviour(endlessWork);
    const result = await run("run", "--goal", "Write parts until told to stop", "--tokens", "3k");
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toContain("the tokens limit is reached");
    expect(result.stdout).toMatch(/--tokens <more>/);
  }, 120_000);

  it("pauses on Ctrl-C with exit 3, and --session resumes the goal to completion", async () => {
    model.setBehaviour(endlessWork);
    const child = new PursuitProcess(["run", "--goal", "Create a.txt and b.txt", "--db", project.db], {
      cwd: project.directory,
      env: project.env,
    });
    const [, sessionID] = await child.waitFor(/session (ses_\w+)/);
    await child.waitFor(/turn 2 started/);
    child.kill("SIGINT");
    expect(await child.exitCode(), child.stderr).toBe(3);
    expect(child.stdout).toContain("Goal paused.");
    expect(child.stdout).toContain("aborted by the user");
    const requestsAfterPause = model.requests.length;

    model.setBehaviour(demoBehaviour);
    const resumed = await run("run", "--session", sessionID as string);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("Goal complete.");
    expect(model.requests.length).toBeGreaterThan(requestsAfterPause);
  }, 120_000);

  /** `pursuit run` of a goal whose model waits for CI on `grep green ci-status`, CI pending. */
  const startWaitingForCI = () => {
    project.cleanup();
    project = makeProject(model.url, { goal: FAST_WAITS });
    model.setBehaviour(waitsForCI);
    writeFileSync(join(project.directory, "ci-status"), "pending\n");
    return new PursuitProcess(["run", "--goal", "Ship once CI is green", "--db", project.db], {
      cwd: project.directory,
      env: project.env,
    });
  };

  it("prints a wait, keeps waiting with no model request, and completes when the check passes", async () => {
    const before = model.requests.length;
    const child = startWaitingForCI();
    await child.waitFor(
      /goal waiting: CI \(checks `grep green ci-status` again at [^;]+; wakes by .+; Ctrl-C pauses\)/,
    );
    // The turn that asked for the wait ends with its answer; then several checks pass with no request.
    await pollUntil("the answer of the turn that asked to wait", () => model.requests.length === before + 2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(model.requests.length).toBe(before + 2);
    expect(child.child.exitCode).toBeNull();

    writeFileSync(join(project.directory, "ci-status"), "green\n");
    expect(await child.exitCode(), child.stderr).toBe(0);
    expect(child.stdout).toContain("Goal complete.");
    expect(child.stderr).toMatch(/goal active/);
    expect(model.requests.length).toBe(before + 4); // woken: complete, then the summary
  }, 120_000);

  it("pauses a waiting goal on Ctrl-C with exit 3", async () => {
    const child = startWaitingForCI();
    await child.waitFor(/goal waiting: CI/);
    child.kill("SIGINT");
    expect(await child.exitCode(), child.stderr).toBe(3);
    expect(child.stdout).toContain("Goal paused.");
    const requests = model.requests.length;
    writeFileSync(join(project.directory, "ci-status"), "green\n");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(model.requests.length).toBe(requests);
  }, 120_000);

  it("explains how to configure a model when none is", async () => {
    const bare = makeProject(undefined);
    try {
      const result = await runPursuit(["run", "--goal", "anything", "--db", bare.db], {
        cwd: bare.directory,
        env: bare.env,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("No model is configured");
      expect(result.stderr).toContain("pursuit.json");
      expect(result.stderr).toContain("OPENAI_API_KEY");
      expect(result.stderr).toContain("pursuit demo");
    } finally {
      bare.cleanup();
    }
  }, 120_000);

  it("refuses a dollar limit on a model with no known price, saying how to give one; prices the run when given", async () => {
    const requestsBefore = model.requests.length;
    const unpriced = await run("run", "--goal", "Create a.txt", "--cost", "0.50");
    expect(unpriced.code).toBe(1);
    expect(unpriced.stderr).toContain('the model "local/scripted" has no known price');
    expect(unpriced.stderr).toContain("provider.local.models.scripted");
    expect(unpriced.stdout).not.toContain("$0.0000");
    expect(model.requests.length).toBe(requestsBefore);

    project.cleanup();
    const prices = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
    project = makeProject(model.url, {
      agent: { maxStepsPerTurn: 1 },
      provider: { local: { type: "openai-compatible", baseURL: model.url, models: { scripted: { prices } } } },
    });
    const priced = await run("run", "--goal", "Create a.txt and b.txt", "--cost", "0.50");
    expect(priced.code, priced.stderr).toBe(0);
    const cost = Number(priced.stdout.match(/\$(\d+\.\d+) of \$0\.5/)?.[1]);
    expect(cost).toBeGreaterThan(0);
  }, 120_000);

  it("runs a goal with acceptance criteria: the model closes each, the summary shows the checklist", async () => {
    model.setBehaviour((request) => {
      const last = lastToolResult(request);
      if (toolCallsMade(request, "write").length === 0)
        return { toolCalls: [{ name: "write", arguments: { path: "CHANGELOG.md", content: "## 1.2\n" } }] };
      if (last?.name === "write")
        return {
          toolCalls: [{ name: "update_goal", arguments: { criterion: 1, evidence: "CHANGELOG.md has ## 1.2" } }],
        };
      if (last?.content.startsWith("The goal is complete")) return { text: "Released." };
      return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "released" } }] };
    });
    const result = await run(
      "run",
      "--goal",
      "Release 1.2",
      "--criterion",
      "the changelog names 1.2",
      "--criterion-check",
      "grep '## 1.2' CHANGELOG.md",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      "  criteria:  1 of 1 closed\n    [x] 1. the changelog names 1.2 (check: grep '## 1.2' CHANGELOG.md) — CHANGELOG.md has ## 1.2",
    );
    const orphan = await run("run", "--goal", "x", "--criterion-check", "npm test", "--criterion", "tests pass");
    expect(orphan.code).toBe(1);
    expect(orphan.stderr).toContain("--criterion-check must follow the --criterion it checks");
  }, 120_000);

  it("tells a --webhook receiver when the goal completes, and refuses a URL that is not http(s)", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const result = await run("run", "--goal", "Create a.txt and b.txt", "--webhook", receiver.url);
      expect(result.code, result.stderr).toBe(0);
      const webhook = await pollUntil("the webhook", () => receiver.received[0]);
      expect(webhook.headers["x-pursuit-event"]).toBe("goal.complete");
      expect(JSON.parse(webhook.body)).toMatchObject({ event: "goal.complete", goal: { status: "complete" } });
      const bad = await run("run", "--goal", "x", "--webhook", "ftp://example.com/hook");
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('webhooks.0.url must be an http(s) URL; got "ftp://example.com/hook"');
    } finally {
      await receiver.close();
    }
  }, 120_000);

  it("runs several --goal flags as a queue: each starts when the one before completes, exit 0 after the last", async () => {
    // Writes the file the latest objective names, then completes it.
    model.setBehaviour((request) => {
      const objective = [...JSON.stringify(request.body.messages).matchAll(/Create (\w)\.txt/g)].at(-1)?.[1] ?? "x";
      const last = lastToolResult(request);
      if (last?.isLast && last.content.startsWith("The goal is complete")) return { text: "Done." };
      const wrote = toolCallsMade(request, "write").some(
        (call) => (call.arguments as { path?: string }).path === `${objective}.txt`,
      );
      if (!wrote) return { toolCalls: [{ name: "write", arguments: { path: `${objective}.txt`, content: "x" } }] };
      return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: `${objective}.txt` } }] };
    });
    const result = await run("run", "--goal", "Create a.txt", "--goal", "Create b.txt", "--goal", "Create c.txt");
    expect(result.code, result.stderr).toBe(0);
    for (const name of ["a.txt", "b.txt", "c.txt"]) expect(existsSync(join(project.directory, name))).toBe(true);
    expect(result.stderr.match(/goal set: Create [abc]\.txt/g)).toEqual([
      "goal set: Create a.txt",
      "goal set: Create b.txt",
      "goal set: Create c.txt",
    ]);
    expect(result.stdout).toContain("Goal complete.");
    expect(result.stdout).toMatch(/objective: Create c\.txt/);
    const empty = await run("run", "--goal", "Create a.txt", "--goal", "  ");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("--goal 2 must not be empty");
  }, 120_000);

  it("refuses bad amounts naming the flag", async () => {
    const tokens = await run("run", "--goal", "x", "--tokens", "lots");
    expect(tokens.code).toBe(1);
    expect(tokens.stderr).toContain('--tokens: "lots" is not a token count');
    const time = await run("run", "--goal", "x", "--time", "30");
    expect(time.stderr).toContain('--time: "30" needs a unit');
    const unknown = await run("run", "--goal", "x", "--budget", "5");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("--budget");
  }, 120_000);
});

describe("pursuit demo", () => {
  it("runs a goal end to end against the scripted model, labelled as a demonstration", async () => {
    const project = makeProject(undefined);
    try {
      const result = await runPursuit(["demo", "--dir", project.directory], { cwd: project.root, env: project.env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain("DEMONSTRATION");
      expect(result.stdout).toContain("Goal complete.");
      expect(
        readdirSync(project.directory)
          .filter((name) => name.endsWith(".md"))
          .sort(),
      ).toEqual(["notes-1.md", "notes-2.md", "notes-3.md"]);
    } finally {
      project.cleanup();
    }
  }, 120_000);
});

describe("help", () => {
  it.each([["--help"], ["run", "--help"], ["demo", "--help"], ["serve", "--help"], ["goal", "--help"]])(
    "pursuit %s",
    async (...args) => {
      const result = await runPursuit(args, { cwd: process.cwd() });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Usage/);
    },
  );

  it("names an unknown command", async () => {
    const result = await runPursuit(["launch"], { cwd: process.cwd() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown command "launch"');
  }, 120_000);
});
