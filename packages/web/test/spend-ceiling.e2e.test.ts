import { createPursuitClient, goalCreate, sessionCreate } from "@pursuit/sdk";
import { type BehaviourFunction, type ScriptedModel, startScriptedModel, toolCallsMade } from "@pursuit/testkit";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProject, PursuitProcess } from "../../cli/test/pursuit-process.js";
import { launchChromium, seriousViolations } from "./browser.js";

const CEILING = 6_000;

/** Writes one more file every turn, never done: only the ceiling stops it. */
const endless: BehaviourFunction = (request) => {
  if (request.body.messages.at(-1)?.role === "tool") return { text: "Written." };
  const n = toolCallsMade(request, "write").length + 1;
  return { toolCalls: [{ name: "write", arguments: { path: `e${n}.txt`, content: "x".repeat(200) } }] };
};

describe("the web app shows a spend ceiling reached, in Chromium", () => {
  let model: ScriptedModel;
  let project: ReturnType<typeof makeProject>;
  let serve: PursuitProcess;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    model = await startScriptedModel({ behaviour: endless });
    project = makeProject(model.url, { goal: { backoffBaseMs: 100 }, spendCeilings: { daily: { tokens: CEILING } } });
    serve = new PursuitProcess(["serve", "--port", "0", "--db", project.db], {
      cwd: project.directory,
      env: project.env,
    });
    url = (await serve.waitFor(/web app: (http:\/\/\S+?)\/\n/))[1] as string;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    serve?.child.kill("SIGINT");
    await serve?.exited;
    await model?.close();
    project?.cleanup();
  });

  it("says the daily ceiling is reached and when the goal goes on, with spend against the ceiling", async () => {
    const api = createPursuitClient({ baseUrl: url });
    const session = (await sessionCreate({ client: api, body: {}, throwOnError: true })).data;
    await goalCreate({ client: api, path: { id: session.id }, body: { objective: "Write files forever" } });
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    const card = page.getByRole("article").filter({ hasText: "Write files forever" });
    await card.getByText("the daily ceiling is reached; goes on by itself at", { exact: false }).waitFor({
      timeout: 30_000,
    });
    const midnight = new Date((Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000).toISOString().slice(0, 10);
    await card.getByText(`${midnight} 00:00 UTC`, { exact: false }).waitFor();
    const today = page
      .getByRole("region", { name: "Spend across goals" })
      .getByRole("progressbar", { name: "Today: tokens against the ceiling" });
    await expect(today.getAttribute("aria-valuetext")).resolves.toMatch(/^[1-9][\d.]*k tokens of 6\.0k tokens$/);
    await page.getByText("turns over in", { exact: false }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
