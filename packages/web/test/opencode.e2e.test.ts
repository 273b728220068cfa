import { join } from "node:path";
import { type Client, createPursuitClient, goalCreate, goalGet } from "@pursuit/sdk";
import { type ScriptedModel, startScriptedModel } from "@pursuit/testkit";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOpencodeProject,
  createSession,
  freePort,
  type OpencodeProject,
  type OpencodeServe,
  repoRoot,
  startOpencodeServe,
} from "../../opencode/test/harness/index.js";
import { launchChromium, seriousViolations } from "./browser.js";

describe("the web app served by the OpenCode plugin, in Chromium", () => {
  let model: ScriptedModel;
  let project: OpencodeProject;
  let serve: OpencodeServe;
  let apiUrl: string;
  let api: Client;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // Slow answers that never finish the goal: it stays active while the page looks at it.
    model = await startScriptedModel({ behaviour: [{ text: "Still working on it." }], latencyMs: 300 });
    const port = await freePort();
    project = await createOpencodeProject({
      modelBaseURL: model.url,
      plugins: [{ path: join(repoRoot, "packages/opencode"), options: { port, policy: { backoffBaseMs: 2_000 } } }],
    });
    serve = await startOpencodeServe(project);
    apiUrl = `http://127.0.0.1:${port}`;
    api = createPursuitClient({ baseUrl: apiUrl });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await serve?.stop();
    await model?.close();
    await project?.remove();
  });

  it("lists an OpenCode session's goal live, and pausing it from the page pauses it in OpenCode", async () => {
    const session = await createSession(serve.client, "web");
    await goalCreate({
      client: api,
      path: { id: session.id },
      body: { objective: "Refactor the parser", limits: { tokens: 500_000 } },
    });
    page = await browser.newPage();
    await page.goto(`${apiUrl}/`);
    await page.getByText("Live", { exact: true }).waitFor();
    const card = page.getByRole("article").filter({ hasText: "Refactor the parser" });
    await card.getByText("Active", { exact: true }).waitFor();
    expect(await page.getByRole("button", { name: "New session" }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    await card.getByRole("link", { name: "Refactor the parser" }).click();
    await page.getByText("This session runs in OpenCode").waitFor();
    expect(await page.getByLabel("Message to the model").count()).toBe(0);
    const panel = page.getByRole("complementary", { name: "Goal" });
    await panel.getByRole("button", { name: "Pause" }).click();
    await panel.getByText("Paused", { exact: true }).waitFor();
    expect((await goalGet({ client: api, path: { id: session.id } })).data).toMatchObject({
      status: "paused",
      reason: "paused from the web app",
    });
    await page
      .getByRole("region", { name: "History and spend" })
      .getByText("paused (by user): paused from the web app")
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  }, 120_000);
});
