import { createPursuitClient, goalCreate, goalGet, sessionCreate } from "@pursuit/sdk";
import { type PostgresCluster, type ScriptedModel, startPostgresCluster, startScriptedModel } from "@pursuit/testkit";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endlessWrites, makeProject, PursuitProcess } from "../../cli/test/pursuit-process.js";
import { launchChromium, seriousViolations } from "./browser.js";

describe("the web app served by one replica, live for a goal another replica drives (Chromium)", () => {
  let cluster: PostgresCluster;
  let model: ScriptedModel;
  let project: ReturnType<typeof makeProject>;
  let browser: Browser;
  const replicas: PursuitProcess[] = [];

  const replica = async (database: string) => {
    const child = new PursuitProcess(["serve", "--port", "0", "--db", database], {
      cwd: project.directory,
      env: project.env,
    });
    replicas.push(child);
    return (await child.waitFor(/web app: (http:\/\/\S+?)\/\n/))[1] as string;
  };

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    model = await startScriptedModel({ behaviour: endlessWrites, latencyMs: 150 });
    project = makeProject(model.url, { agent: { maxStepsPerTurn: 1 } });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    for (const child of replicas) {
      child.kill("SIGKILL");
      await child.exited;
    }
    await model?.close();
    await cluster?.stop();
    project?.cleanup();
  });

  it("shows the goal's turns going up, and pausing it on this page stops the other replica", async () => {
    const database = cluster.createDatabase("web_replicas");
    const driving = await replica(database);
    const api = createPursuitClient({ baseUrl: driving });
    const { id } = (await sessionCreate({ client: api, body: {}, throwOnError: true })).data;
    await goalCreate({
      client: api,
      path: { id },
      body: { objective: "Write parts on another replica", limits: { turns: 200 } },
      throwOnError: true,
    });
    const serving = await replica(database);

    const page = await browser.newPage();
    await page.goto(`${serving}/`);
    await page.getByText("Live", { exact: true }).waitFor();
    const card = page.getByRole("article").filter({ hasText: "Write parts on another replica" });
    const turns = card.getByRole("progressbar", { name: "Turns used" });
    const turnsShown = async () => Number((await turns.getAttribute("aria-valuenow")) ?? "0");
    await turns.waitFor();
    const first = await turnsShown();
    // Live: the count goes up with no reload, from events the other replica made.
    await expect.poll(turnsShown, { timeout: 20_000 }).toBeGreaterThanOrEqual(first + 3);
    expect(await seriousViolations(page)).toEqual([]);

    await card.getByRole("link", { name: "Write parts on another replica" }).click();
    const panel = page.getByRole("complementary", { name: "Goal" });
    await panel.getByRole("button", { name: "Pause" }).click();
    await panel.getByText("Paused", { exact: true }).waitFor();
    const pausedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(model.requestsAfter(pausedAt)).toEqual([]);
    expect((await goalGet({ client: api, path: { id } })).data?.status).toBe("paused");
    await page.close();
  }, 120_000);
});
