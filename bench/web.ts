/**
 * Web app benchmark, in Chromium against a real HTTP server on a real SQLite file: time to content of the Goals
 * page with 1,000 goals and of a session with a 2,000-message transcript, long tasks (over 50 ms) while they
 * load and while a goal streams its answers into the open session, and the gzipped size of the JavaScript
 * shipped. Targets: content under 1 s for both, no long task over 200 ms while a goal streams, at most 250 KB.
 *
 * Run: `npm run bench -- web` (after `npm run build`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createRuntime } from "@pursuit/agent";
import { GoalEngine } from "@pursuit/core";
import { createServer } from "@pursuit/server";
import { monotonicIds, openStore } from "@pursuit/store";
import { startScriptedModel } from "@pursuit/testkit";
import { webAppDirectory } from "@pursuit/web";
import type { Page } from "playwright-core";
import { launchChromium } from "../packages/web/test/browser.js";
import { printTable } from "./stats.js";

const GOALS = 1_000;
const MESSAGES = 2_000;

/** Goals in every settled state (none active: nothing runs), and one session with a long transcript. */
async function seed(database: string): Promise<string> {
  const store = await openStore({ path: database });
  const engine = new GoalEngine({ store: store.goals, clock: { now: () => Date.now() }, ids: monotonicIds });
  const statuses = ["paused", "complete", "blocked"] as const;
  for (let index = 0; index < GOALS; index++) {
    const session = await store.sessions.createSession({ directory: tmpdir(), title: `session ${index}` });
    await engine.createGoal(session.id, {
      objective: `Goal ${index}: migrate module ${index} to the new API and keep its tests green`,
      limits: { tokens: 200_000, seconds: 3_600 },
    });
    const status = statuses[index % statuses.length] as (typeof statuses)[number];
    await engine.updateGoal(
      session.id,
      status === "complete"
        ? { status, evidence: "tests pass" }
        : { status, reason: status === "paused" ? "paused for review" : "needs credentials" },
    );
  }
  const long = await store.sessions.createSession({ directory: tmpdir(), title: "long" });
  for (let index = 0; index < MESSAGES; index++) {
    const role = index % 2 === 0 ? "user" : "assistant";
    await store.messages.appendMessage({
      sessionID: long.id,
      role,
      data: {},
      parts: [{ type: "text", text: `Message ${index}: ${"some words of the conversation ".repeat(6)}` }],
      completed: Date.now(),
    });
  }
  store.close();
  return long.id;
}

/** Records long tasks from the first byte on, readable as `window.__longTasks`. */
const LONG_TASKS = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: "longtask", buffered: true });
`;

async function timeToContent(page: Page, url: string, selector: string): Promise<{ ms: number; longTasks: number[] }> {
  await page.goto("about:blank");
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector(selector, { timeout: 30_000 });
  const ms = Date.now() - started;
  const longTasks = (await page.evaluate("window.__longTasks")) as number[];
  return { ms, longTasks };
}

function jsGzipKB(): number {
  const assets = join(webAppDirectory, "assets");
  const bytes = readdirSync(assets)
    .filter((name) => name.endsWith(".js"))
    .reduce((sum, name) => sum + gzipSync(readFileSync(join(assets, name))).length, 0);
  return bytes / 1024;
}

const describeTasks = (tasks: number[]) =>
  tasks.length === 0 ? "no long task" : `${tasks.length} long tasks, longest ${Math.round(Math.max(...tasks))} ms`;

export async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "pursuit-bench-web-"));
  const database = join(root, "pursuit.db");
  const longSession = await seed(database);
  // Streams each answer in small pieces, slowly, as a provider does.
  const model = await startScriptedModel({
    chunkDelayMs: 15,
    behaviour: (request) =>
      request.body.messages.at(-1)?.role === "tool"
        ? { text: "That part is written. ".repeat(60) }
        : {
            text: "Working on it. ".repeat(40),
            toolCalls: [{ name: "write", arguments: { path: "x.md", content: "x" } }],
          },
  });
  const runtime = await createRuntime({
    database,
    directory: root,
    config: {
      model: "bench/scripted",
      provider: { bench: { type: "openai-compatible", baseURL: model.url } },
      goal: { stallTurns: 3 },
    },
  });
  const server = await createServer({ runtime, password: "", webApp: webAppDirectory }).serve({ port: 0 });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(LONG_TASKS);
    const page = await context.newPage();
    await timeToContent(page, `${server.url}/`, "article"); // warm: the first load compiles the bundle
    const goals = await timeToContent(page, `${server.url}/`, "article");
    const transcript = await timeToContent(
      page,
      `${server.url}/#/session/${longSession}`,
      `text=Message ${MESSAGES - 1}:`,
    );

    // A goal streaming into the open session: long tasks while it runs.
    const session = await runtime.sessions.create({ title: "streaming" });
    await page.goto(`${server.url}/#/session/${session.id}`);
    await page.getByLabel("Objective", { exact: true }).waitFor();
    await page.evaluate("window.__longTasks.length = 0");
    await runtime.goals.create(session.id, { objective: "Write the parts", limits: { turns: 3 } });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const goal = await runtime.goals.get(session.id);
      if (goal && goal.status !== "active" && runtime.quiet()) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await page.waitForTimeout(300);
    const streaming = (await page.evaluate("window.__longTasks")) as number[];

    printTable(
      "web: the app in Chromium (targets: content < 1 s, no long task > 200 ms while streaming, JS <= 250 KB gz)",
      [
        [`Goals page, ${GOALS} goals: time to content`, `${goals.ms} ms (${describeTasks(goals.longTasks)})`],
        [
          `session, ${MESSAGES} messages: time to content`,
          `${transcript.ms} ms (${describeTasks(transcript.longTasks)})`,
        ],
        [`a goal streaming into the open session (${model.requests.length} requests)`, describeTasks(streaming)],
        ["JavaScript shipped, gzipped", `${jsGzipKB().toFixed(1)} KB`],
      ],
    );
  } finally {
    await browser.close();
    await server.close();
    await runtime.close();
    await model.close();
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
