import { createPursuitClient, goalCreate, sessionCreate } from "@pursuit/sdk";
import { type ScriptedModel, startScriptedModel } from "@pursuit/testkit";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProject, PursuitProcess } from "../../cli/test/pursuit-process.js";
import { launchChromium, seriousViolations } from "./browser.js";

describe("the web app with a server password", () => {
  let model: ScriptedModel;
  let project: ReturnType<typeof makeProject>;
  let serve: PursuitProcess;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    model = await startScriptedModel({ behaviour: [{ text: "Still thinking." }] });
    project = makeProject(model.url);
    serve = new PursuitProcess(["serve", "--port", "0", "--db", project.db], {
      cwd: project.directory,
      env: { ...project.env, PURSUIT_SERVER_PASSWORD: "s3cret" },
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

  it("asks for the password once, refuses a wrong one, and then streams live with it", async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    const field = page.getByLabel("Server password");
    await field.fill("guess");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Wrong password.").waitFor();
    await expect(field.getAttribute("aria-invalid")).resolves.toBe("true");
    expect(await seriousViolations(page)).toEqual([]);

    await field.fill("s3cret");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Goals", exact: true }).waitFor();
    await page.getByText("Live", { exact: true }).waitFor();

    // A goal set elsewhere appears without a reload: the event stream carries the password too.
    const api = createPursuitClient({ baseUrl: url, password: "s3cret" });
    const session = (await sessionCreate({ client: api, body: {} })).data;
    await goalCreate({ client: api, path: { id: session?.id ?? "" }, body: { objective: "Seen through the stream" } });
    await page.getByText("Seen through the stream").waitFor();

    // Kept for the tab: a reload does not ask again.
    await page.reload();
    await page.getByText("Seen through the stream").waitFor();
    expect(await page.getByLabel("Server password").count()).toBe(0);
    await page.close();
  }, 60_000);
});
