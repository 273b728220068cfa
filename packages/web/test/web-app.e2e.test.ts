import { type Client, createPursuitClient, goalCreate, goalGet, goalQueueList, goalUpdate } from "@pursuit/sdk";
import {
  type BehaviourFunction,
  lastUserText,
  type ScriptedModel,
  startScriptedModel,
  toolCallsMade,
} from "@pursuit/testkit";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeProject, PursuitProcess } from "../../cli/test/pursuit-process.js";
import { launchChromium, seriousViolations } from "./browser.js";

/** One file per turn until `count`, then complete; answers after each tool so every turn ends in text. */
const files =
  (count: number): BehaviourFunction =>
  (request) => {
    if (request.body.messages.at(-1)?.role === "tool") return { text: "Written." };
    const written = toolCallsMade(request, "write").length;
    if (written < count) {
      return { toolCalls: [{ name: "write", arguments: { path: `w${written + 1}.txt`, content: "x".repeat(300) } }] };
    }
    return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: `w1..w${count} exist` } }] };
  };

/** Writes w1.txt, closes criterion 1 (checked by the runtime), then criterion 2, then completes; text after each tool. */
const closesCriteria: BehaviourFunction = (request) => {
  if (request.body.messages.at(-1)?.role === "tool") return { text: "Done that." };
  if (toolCallsMade(request, "write").length === 0)
    return { toolCalls: [{ name: "write", arguments: { path: "w1.txt", content: "one" } }] };
  const closing = [
    { criterion: 1, evidence: "w1.txt exists" },
    { criterion: 2, evidence: "the panel lists both" },
    { status: "complete", evidence: "both criteria are closed" },
  ][toolCallsMade(request, "update_goal").length];
  return closing ? { toolCalls: [{ name: "update_goal", arguments: closing }] } : { text: "Finished." };
};

describe("the web app against pursuit serve, in Chromium", () => {
  let model: ScriptedModel;
  let project: ReturnType<typeof makeProject>;
  let serve: PursuitProcess;
  let url: string;
  let api: Client;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    model = await startScriptedModel({ behaviour: files(3), latencyMs: 150 });
    // Ceilings far above what these tests spend: the Goals page shows spend against them.
    project = makeProject(model.url, {
      goal: { backoffBaseMs: 100 },
      spendCeilings: { daily: { tokens: 5_000_000 }, weekly: { costUSD: 50 } },
    });
    serve = new PursuitProcess(["serve", "--port", "0", "--db", project.db], {
      cwd: project.directory,
      env: project.env,
    });
    url = (await serve.waitFor(/web app: (http:\/\/\S+?)\/\n/))[1] as string;
    api = createPursuitClient({ baseUrl: url });
    browser = await launchChromium();
  }, 120_000);

  afterEach(async () => page?.context().close());

  afterAll(async () => {
    await browser?.close();
    serve?.child.kill("SIGINT");
    await serve?.exited;
    await model?.close();
    project?.cleanup();
  });

  async function openNewSession(): Promise<string> {
    const context = await browser.newContext({ permissions: ["notifications"] });
    // Every notification the page shows, recorded (the real one is shown too).
    await context.addInitScript(`
      window.__notifications = [];
      const Original = window.Notification;
      window.Notification = class extends Original {
        constructor(title, options) { super(title, options); window.__notifications.push(title); }
        static get permission() { return Original.permission; }
        static requestPermission() { return Original.requestPermission(); }
      };
    `);
    page = await context.newPage();
    await page.goto(`${url}/`);
    await page.getByRole("button", { name: "New session" }).click();
    await page.waitForURL(/#\/session\//);
    return decodeURIComponent(page.url().split("#/session/")[1] ?? "");
  }

  it("sets a goal from the page and shows it live until complete, with no reload; one notification, at the end", async () => {
    model.setBehaviour(files(3));
    const sessionID = await openNewSession();
    await page.getByRole("button", { name: "Notify me when goals finish" }).click();
    await page.getByRole("button", { name: "Notifying when goals finish" }).waitFor();
    await page.getByLabel("Objective", { exact: true }).fill("Write w1..w3");
    await page.getByLabel("Tokens", { exact: true }).fill("200k");
    await page.getByLabel("Verify command (optional)").fill("test -f w3.txt");
    await page.getByLabel("Longest wait (optional)").fill("soon");
    await page.getByRole("button", { name: "Start goal" }).click();
    // A bad wait is named at its field, and nothing is created.
    await page.getByText('Longest wait: "soon" is not a duration', { exact: false }).waitFor();
    expect((await goalGet({ client: api, path: { id: sessionID } })).data).toBeNull();
    await page.getByLabel("Longest wait (optional)").fill("2h");
    await page.getByLabel("Wait for a usage quota to reset (else the goal is blocked)").uncheck();
    await page.getByRole("button", { name: "Start goal" }).click();
    const panel = page.getByRole("complementary", { name: "Goal" });
    await panel.getByText("Active", { exact: true }).waitFor();
    await panel.getByText("Complete", { exact: true }).waitFor({ timeout: 30_000 });
    await expect(
      panel.getByRole("progressbar", { name: "Tokens used" }).getAttribute("aria-valuetext"),
    ).resolves.toMatch(/of 200k/);
    await panel.getByText("w1..w3 exist").waitFor();
    // The transcript streamed in too: the model's tool calls, folded.
    await page.locator("summary", { hasText: "write" }).first().waitFor();
    expect((await goalGet({ client: api, path: { id: sessionID } })).data).toMatchObject({
      status: "complete",
      maxWaitSeconds: 7200,
      waitForQuota: false,
    });
    // Live from the event stream: the page never reloaded.
    expect(await page.evaluate('performance.getEntriesByType("navigation").length')).toBe(1);
    // Told once, when it finished: never for each of its turns.
    await page.waitForFunction("window.__notifications.length > 0");
    expect(await page.evaluate("window.__notifications")).toEqual(["Goal complete"]);
    // History and spend: the charges of the run, the limit, a timeline with who did what.
    const history = page.getByRole("region", { name: "History and spend" });
    await expect(history.locator("figcaption").textContent()).resolves.toMatch(/Tokens charged: [\d.]+k? of 200k/);
    await history
      .getByText(/charged [\d.]+k? tokens over \d+ steps/)
      .first()
      .waitFor();
    await history.getByText("verify passed (exit 0): test -f w3.txt").waitFor();
    await history.getByText("complete (by model)").waitFor();
    expect(await history.locator(".spend-chart-plot canvas").count()).toBeGreaterThan(0);
    // A few thousand tokens under a 200k limit: drawn on their own scale, not as a flat line under the limit's.
    await expect(history.locator("figcaption").textContent()).resolves.toContain("the chart is scaled to the usage");
    await expect(history.locator(".u-legend").textContent()).resolves.toMatch(/charged/);
    await expect(history.locator(".u-legend").textContent()).resolves.not.toMatch(/limit/);
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it("pauses from the page while the goal runs: paused, no further request; resume finishes it", async () => {
    model.setBehaviour(files(4));
    const sessionID = await openNewSession();
    await page.getByLabel("Objective", { exact: true }).fill("Write w1..w4");
    await page.getByRole("button", { name: "Start goal" }).click();
    const panel = page.getByRole("complementary", { name: "Goal" });
    await panel.getByRole("button", { name: "Pause" }).click();
    await panel.getByText("Paused", { exact: true }).waitFor();
    const paused = await goalGet({ client: api, path: { id: sessionID } });
    expect(paused.data).toMatchObject({ status: "paused", reason: "paused from the web app" });
    const requests = model.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // At most the request already in flight when Pause was clicked.
    expect(model.requests.length - requests).toBeLessThanOrEqual(1);
    await panel.getByRole("button", { name: "Resume" }).click();
    await panel.getByText("Complete", { exact: true }).waitFor({ timeout: 30_000 });
  }, 60_000);

  it("shows a waiting goal with what it waits for, a countdown and 'Wake now', which wakes it", async () => {
    model.setBehaviour((request) => {
      if (request.body.messages.at(-1)?.role === "tool") return { text: "Noted." };
      if (lastUserText(request).includes("Note: woken by the user")) {
        return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "CI passed" } }] };
      }
      if (toolCallsMade(request, "update_goal").length === 0) {
        const wait = { status: "waiting", reason: "CI run 42", check: "grep green ci-status", until: "20m" };
        return { toolCalls: [{ name: "update_goal", arguments: wait }] };
      }
      return { text: "Nothing to do." };
    });
    const sessionID = await openNewSession();
    await page.getByLabel("Objective", { exact: true }).fill("Ship once CI is green");
    await page.getByRole("button", { name: "Start goal" }).click();
    const panel = page.getByRole("complementary", { name: "Goal" });
    await panel.getByText("Waiting", { exact: true }).waitFor({ timeout: 30_000 });
    const notice = panel.getByRole("region", { name: "Waiting" });
    await notice.getByText("Waiting on a check").waitFor();
    await notice.getByText("grep green ci-status").waitFor();
    const countdown = notice.getByTestId("wait-countdown");
    const first = await countdown.textContent();
    expect(first).toMatch(/^19m5\ds$/);
    // It counts down by itself, with no reload.
    await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(first);
    const requests = model.requests.length;
    await page.screenshot({ path: "/tmp/pursuit-waiting.png" });
    await notice.getByRole("button", { name: "Wake now" }).click();
    await panel.getByText("Complete", { exact: true }).waitFor({ timeout: 30_000 });
    // The woken turn: the completing call and the answer after it.
    expect(model.requests.length).toBe(requests + 2);
    const done = await goalGet({ client: api, path: { id: sessionID } });
    expect(done.data).toMatchObject({ status: "complete", evidence: "CI passed" });
  }, 60_000);

  it("shows budget_limited at a token limit, and 'Raise and resume' finishes the goal", async () => {
    model.setBehaviour(files(6));
    await openNewSession();
    await page.getByLabel("Objective", { exact: true }).fill("Write w1..w6");
    await page.getByLabel("Tokens", { exact: true }).fill("3k");
    await page.getByRole("button", { name: "Start goal" }).click();
    const panel = page.getByRole("complementary", { name: "Goal" });
    await panel.getByText("Limit reached", { exact: true }).waitFor({ timeout: 30_000 });
    await panel.getByLabel("Tokens", { exact: true }).fill("500k");
    await panel.getByRole("button", { name: "Raise and resume" }).click();
    await panel.getByText("Complete", { exact: true }).waitFor({ timeout: 30_000 });
  }, 60_000);

  it("sets acceptance criteria from the page, shows each closing live with its evidence, and edits them", async () => {
    model.setBehaviour(closesCriteria);
    const sessionID = await openNewSession();
    await page.getByLabel("Objective", { exact: true }).fill("Write w1 and show the checklist");
    await page.getByRole("button", { name: "Add a criterion" }).click();
    await page.getByLabel("Criterion 1", { exact: true }).fill("w1.txt exists");
    await page.getByLabel("Check for criterion 1 (optional)").fill("test -f w1.txt");
    await page.getByRole("button", { name: "Add a criterion" }).click();
    await page.getByLabel("Check for criterion 2 (optional)").fill("true");
    await page.getByRole("button", { name: "Start goal" }).click();
    // A check without its sentence is named at the row, and nothing is created.
    await page.getByText("Say what the check shows, in a sentence.").waitFor();
    expect((await goalGet({ client: api, path: { id: sessionID } })).data).toBeNull();
    await page.getByLabel("Criterion 2", { exact: true }).fill("the panel lists both");
    await page.getByLabel("Check for criterion 2 (optional)").fill("");
    await page.getByRole("button", { name: "Start goal" }).click();
    const panel = page.getByRole("complementary", { name: "Goal" });
    const checklist = panel.getByRole("region", { name: /Criteria/ });
    await checklist.getByText(/[01] of 2 closed/).waitFor();
    await panel.getByText("Complete", { exact: true }).waitFor({ timeout: 30_000 });
    await checklist.getByText("2 of 2 closed").waitFor();
    await checklist.getByText(/closed .*: w1\.txt exists/).waitFor();
    await expect(checklist.getByRole("listitem").first().textContent()).resolves.toContain("test -f w1.txt");
    const history = page.getByRole("region", { name: "History and spend" });
    await history.getByText("criterion 1 check passed (exit 0): test -f w1.txt").waitFor();
    await history.getByText("criterion 2 closed: the panel lists both").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Editing: a paused goal's criteria are replaced from the panel.
    model.setBehaviour(() => ({ text: "Thinking." }));
    const other = await openNewSession();
    const body = { objective: "Edit my criteria", criteria: ["kept", { text: "dropped", check: "false" }] };
    await goalCreate({ client: api, path: { id: other }, body, throwOnError: true });
    await goalUpdate({ client: api, path: { id: other }, body: { status: "paused" }, throwOnError: true });
    await page.getByRole("complementary", { name: "Goal" }).getByText("Paused", { exact: true }).waitFor();
    await page.getByText("Edit objective, limits or criteria").click();
    await page.getByRole("button", { name: "Remove criterion 2" }).click();
    await page.getByRole("button", { name: "Add a criterion" }).click();
    // Two quick clicks each start from the rows the one before left: the new row is empty.
    await expect(page.getByLabel("Check for criterion 2 (optional)").inputValue()).resolves.toBe("");
    expect(await page.getByLabel("Criterion 3", { exact: true }).count()).toBe(0);
    await page.getByLabel("Criterion 2", { exact: true }).fill("added from the page");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page
      .getByRole("complementary", { name: "Goal" })
      .getByRole("listitem")
      .filter({ hasText: "added from the page" })
      .waitFor();
    expect((await goalGet({ client: api, path: { id: other } })).data?.criteria).toEqual([
      { id: 1, text: "kept" },
      { id: 2, text: "added from the page" },
    ]);
  }, 60_000);

  it("queues next goals from the panel, reorders and drops them, and shows the next one start on completion", async () => {
    model.setBehaviour(() => ({ text: "Thinking." }));
    const sessionID = await openNewSession();
    await goalCreate({ client: api, path: { id: sessionID }, body: { objective: "Now" }, throwOnError: true });
    await goalUpdate({ client: api, path: { id: sessionID }, body: { status: "paused" }, throwOnError: true });
    const panel = page.getByRole("complementary", { name: "Goal" });
    await panel.getByText("Paused", { exact: true }).waitFor();
    const queueSection = panel.getByRole("region", { name: /Next goals/ });
    const field = queueSection.getByLabel("Queue a goal (starts when this one completes)");
    await queueSection.getByRole("button", { name: "Add to queue" }).click();
    await queueSection.getByText("Write what the queued goal should achieve.").waitFor();
    for (const objective of ["Then A", "Then B", "Then C"]) {
      await field.fill(objective);
      await queueSection.getByRole("button", { name: "Add to queue" }).click();
      await queueSection.getByText(objective, { exact: true }).waitFor();
    }
    await queueSection.getByRole("button", { name: 'Move "Then C" up' }).click();
    await queueSection.getByRole("button", { name: 'Drop "Then A"' }).click();
    await queueSection.getByText("2 queued").waitFor();
    const objectives = async () =>
      ((await goalQueueList({ client: api, path: { id: sessionID } })).data ?? []).map((item) => item.input.objective);
    expect(await objectives()).toEqual(["Then C", "Then B"]);
    await expect(queueSection.getByRole("listitem").allTextContents()).resolves.toEqual([
      expect.stringContaining("Then C"),
      expect.stringContaining("Then B"),
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    // Completing the goal starts the next one in line: the panel follows.
    await goalUpdate({ client: api, path: { id: sessionID }, body: { status: "complete" }, throwOnError: true });
    await panel.locator(".goal-panel-objective", { hasText: "Then C" }).waitFor();
    await queueSection.getByText("1 queued").waitFor();
    expect(await objectives()).toEqual(["Then B"]);
    await goalUpdate({ client: api, path: { id: sessionID }, body: { status: "paused" }, throwOnError: true });
  }, 60_000);

  it("shows a bad field's error beside it, the API's too, and stores nothing", async () => {
    const sessionID = await openNewSession();
    await page.getByLabel("Objective", { exact: true }).fill("Anything");
    await page.getByLabel("Tokens", { exact: true }).fill("lots");
    await page.getByRole("button", { name: "Start goal" }).click();
    await expect(page.locator("#new-limit-tokens-error").textContent()).resolves.toContain(
      '"lots" is not a token count',
    );
    await expect(page.getByLabel("Tokens", { exact: true }).getAttribute("aria-invalid")).resolves.toBe("true");
    // The API refuses a dollar limit on this unpriced model: its message lands next to the Cost field.
    await page.getByLabel("Tokens", { exact: true }).fill("");
    await page.getByLabel("Cost", { exact: true }).fill("$0.50");
    await page.getByRole("button", { name: "Start goal" }).click();
    await expect(page.locator("#new-limit-costUSD-error").textContent()).resolves.toContain("has no known price");
    expect((await goalGet({ client: api, path: { id: sessionID } })).data ?? null).toBeNull();
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it("lists every goal on the Goals page with its bars, reachable and labelled by keyboard", async () => {
    page = await browser.newPage();
    await page.goto(`${url}/`);
    await page.getByRole("heading", { name: "Goals", exact: true }).waitFor();
    await page.getByRole("article").first().waitFor();
    expect(await page.getByRole("article").count()).toBeGreaterThanOrEqual(3);
    await page.getByText("Live", { exact: true }).waitFor();
    // Tab reaches the controls in order, each with a name.
    const names: string[] = [];
    for (let index = 0; index < 4; index++) {
      await page.keyboard.press("Tab");
      names.push(
        (await page.evaluate(
          'document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent?.trim() ?? ""',
        )) as string,
      );
    }
    expect(names).toEqual(["Pursuit", "Goals", "Notify me when goals finish", "New session"]);
    // What every goal here spent today, against the daily ceiling, numbers written out.
    const spend = page.getByRole("region", { name: "Spend across goals" });
    const today = spend.getByRole("progressbar", { name: "Today: tokens against the ceiling" });
    const text = (await today.getAttribute("aria-valuetext")) ?? "";
    expect(text).toMatch(/^[\d.]+k? tokens of 5\.00m tokens$/);
    expect(Number(await today.getAttribute("aria-valuenow"))).toBeGreaterThan(0);
    await spend.getByText("$0.0000 of $50.00").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);
});
