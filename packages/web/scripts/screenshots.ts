/**
 * Takes the README's screenshots of the web app: `pursuit serve` against the scripted model, a few goals in
 * different states, then the Goals page and a session in Chromium, written to docs/.
 *
 * Run: `npm run screenshots -w @pursuit/web` (after `npm run build`).
 */
import { join } from "node:path";
import { createPursuitClient, goalCreate, goalGet, goalUpdate, sessionCreate } from "@pursuit/sdk";
import { startScriptedModel, toolCallsMade } from "@pursuit/testkit";
import { makeProject, PursuitProcess } from "../../cli/test/pursuit-process.js";
import { launchChromium } from "../test/browser.js";

const DOCS = join(import.meta.dirname, "../../../docs");

const model = await startScriptedModel({
  latencyMs: 40,
  behaviour: (request) => {
    if (request.body.messages.at(-1)?.role === "tool") return { text: "Done with this part." };
    const written = toolCallsMade(request, "write").length;
    if (written < 3) {
      const path = `notes/part-${written + 1}.md`;
      return {
        text: `Writing ${path}.`,
        toolCalls: [{ name: "write", arguments: { path, content: "x".repeat(900) } }],
      };
    }
    return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "parts 1-3 written" } }] };
  },
});
const project = makeProject(model.url, { goal: { backoffBaseMs: 50 } });
const serve = new PursuitProcess(["serve", "--port", "0", "--db", project.db], {
  cwd: project.directory,
  env: project.env,
});
try {
  const url = (await serve.waitFor(/web app: (http:\/\/\S+?)\/\n/))[1] as string;
  const client = createPursuitClient({ baseUrl: url });
  const goals: [string, Record<string, number>][] = [
    ["Write the release notes in notes/, one part per section", { tokens: 200_000, seconds: 1800 }],
    ["Draft the migration guide", { tokens: 3_000 }],
    ["Summarise open issues", { turns: 10 }],
  ];
  const sessions: string[] = [];
  for (const [objective, limits] of goals) {
    const session = (await sessionCreate({ client, body: {} })).data;
    if (!session) throw new Error("no session");
    sessions.push(session.id);
    await goalCreate({ client, path: { id: session.id }, body: { objective, limits } });
    if (sessions.length === 3) {
      await goalUpdate({ client, path: { id: session.id }, body: { status: "paused", reason: "waiting for review" } });
      break;
    }
    for (;;) {
      const goal = (await goalGet({ client, path: { id: session.id } })).data;
      if (goal && goal.status !== "active") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await goalUpdate({
    client,
    path: { id: sessions[2] as string },
    body: { status: "paused", reason: "waiting for review" },
  });

  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
  await page.goto(`${url}/`);
  await page.getByText("Live", { exact: true }).waitFor();
  await page.getByRole("article").nth(2).waitFor();
  await page.screenshot({ path: join(DOCS, "web-app-goals.png") });
  await page.goto(`${url}/#/session/${sessions[0]}`);
  await page.getByText("Complete", { exact: true }).first().waitFor();
  await page.screenshot({ path: join(DOCS, "web-app-session.png") });
  await page.goto(`${url}/#/session/${sessions[1]}`);
  await page.getByText("Limit reached", { exact: true }).first().waitFor();
  await page.screenshot({ path: join(DOCS, "web-app-limit.png") });
  await browser.close();
  console.log(`screenshots written to ${DOCS}`);
} finally {
  serve.child.kill("SIGINT");
  await serve.exited;
  await model.close();
  project.cleanup();
}
