import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lastUserText, type ScriptedModel, startScriptedModel, toolNames } from "@pursuit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOpencodeProject,
  createSession,
  type EventSubscription,
  fixturesDir,
  type OpencodeProject,
  type OpencodeServe,
  readJsonLines,
  startOpencodeServe,
  subscribeEvents,
  tail,
  waitForIdle,
} from "./harness/index.js";

interface ProbeRecord {
  hook: string;
  at: number;
  type?: string;
  sessionID?: string;
  properties?: { sessionID?: string };
}

const CONTINUE_TEXT = "probe plugin: keep going";
const TEST_TEXT = "test via sdk: one more turn";

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("opencode serve harness with the probe plugin", () => {
  let model: ScriptedModel;
  let scratch: string;
  let logFile: string;
  let project: OpencodeProject;
  let serve: OpencodeServe;
  let events: EventSubscription;
  let sessionID: string;

  const probeLog = () => readJsonLines<ProbeRecord>(logFile);

  beforeAll(async () => {
    model = await startScriptedModel({
      // A tool call for the first user prompt; plain text for everything else (tool results, continuations).
      behaviour: (request) => {
        const last = request.body.messages.at(-1);
        if (last?.role === "user" && lastUserText(request).includes("use the probe")) {
          return { toolCalls: [{ name: "probe_echo", arguments: { text: "ping" } }] };
        }
        return { text: `answer to: ${lastUserText(request).slice(0, 40)}` };
      },
    });
    scratch = await mkdtemp(join(tmpdir(), "probe-log-"));
    logFile = join(scratch, "probe.jsonl");
    project = await createOpencodeProject({
      modelBaseURL: model.url,
      plugins: [
        {
          path: join(fixturesDir, "probe-plugin"),
          options: { logFile, continueText: CONTINUE_TEXT, continueTimes: 1 },
        },
      ],
    });
    serve = await startOpencodeServe(project);
    events = await subscribeEvents(serve.url);
  });

  afterAll(async () => {
    events?.close();
    await serve?.stop();
    await model?.close();
    await project?.remove();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("offers the plugin's tool to the model and runs it when called", async () => {
    const session = await createSession(serve.client, "probe tool");
    sessionID = session.id;
    const reply = await serve.client.session.prompt({
      path: { id: sessionID },
      body: { parts: [{ type: "text", text: "please use the probe" }] },
    });
    expect(reply.data?.info.role, tail(serve.logs())).toBe("assistant");
    expect(toolNames(model.requests[0]!)).toContain("probe_echo");
    const calls = probeLog().filter((record) => record.hook === "tool.probe_echo");
    expect(calls.map((record) => record.sessionID)).toEqual([sessionID]);
    const withResult = model.requests.find((request) => request.body.messages.some((m) => m.role === "tool"));
    expect(JSON.stringify(withResult?.body.messages)).toContain("probe says: ping");
  });

  it("lets the plugin see session.idle and continue the session with a synthetic prompt", async () => {
    const continued = await model.waitUntil(
      () => model.requests.find((request) => lastUserText(request) === CONTINUE_TEXT),
      20_000,
      "a model request carrying the plugin's continuation",
    );
    expect(continued.body.messages.at(-1)?.role).toBe("user");
    const log = probeLog();
    const idle = log.find((r) => r.type === "session.idle" && r.properties?.sessionID === sessionID);
    const continuation = log.find((r) => r.hook === "continued" && r.sessionID === sessionID);
    expect(idle, "plugin saw session.idle").toBeDefined();
    expect(continuation, "plugin continued").toBeDefined();
    expect(idle!.at).toBeLessThanOrEqual(continuation!.at);

    await waitForIdle(serve.client, sessionID, 20_000);
    const stored = await serve.client.session.messages({ path: { id: sessionID } });
    const userParts = (stored.data ?? []).filter((m) => m.info.role === "user").flatMap((m) => m.parts);
    expect(userParts).toContainEqual(expect.objectContaining({ type: "text", text: CONTINUE_TEXT, synthetic: true }));
  });

  it("starts a new turn when the test sends a synthetic part with promptAsync", async () => {
    await waitForIdle(serve.client, sessionID, 20_000);
    const before = model.requests.length;
    const accepted = await serve.client.session.promptAsync({
      path: { id: sessionID },
      body: { parts: [{ type: "text", text: TEST_TEXT, synthetic: true }] },
    });
    expect(accepted.response.status).toBe(204);
    const request = await model.waitUntil(
      () => model.requests.slice(before).find((r) => lastUserText(r) === TEST_TEXT),
      20_000,
      "a model request carrying the test's synthetic prompt",
    );
    expect(request.body.messages.at(-1)?.role).toBe("user");
    await waitForIdle(serve.client, sessionID, 20_000);
    await events.waitFor((event) => event.type === "session.idle", 5_000);
  });

  it("stops opencode serve without leaving a process of its group", async () => {
    const { pid } = serve;
    expect(groupAlive(pid)).toBe(true);
    await serve.stop();
    expect(groupAlive(pid)).toBe(false);
  });
});
