import { existsSync } from "node:fs";
import { join } from "node:path";
import { type ScriptedModel, startScriptedModel } from "@pursuit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpencodeProject, type OpencodeProject, repoRoot } from "./harness/index.js";
import { type OpencodeTui, startOpencodeTui } from "./harness/start-opencode-tui.js";
import { tmuxAvailable } from "./harness/tmux.js";
import { scenarioReply } from "./scenario-model.js";

const PLUGIN_DIR = join(repoRoot, "packages/opencode");

describe("/goal and the goal indicator in the real OpenCode TUI", () => {
  let model: ScriptedModel;
  let project: OpencodeProject;
  let tui: OpencodeTui;

  beforeAll(async () => {
    if (!(await tmuxAvailable())) throw new Error("tmux is required: apt-get install -y tmux");
    model = await startScriptedModel({ behaviour: scenarioReply });
    project = await createOpencodeProject({
      modelBaseURL: model.url,
      plugins: [{ path: PLUGIN_DIR, options: { port: 0, policy: { backoffBaseMs: 200 } } }],
    });
    tui = await startOpencodeTui(project, { tuiPlugins: [PLUGIN_DIR] });
  });

  afterAll(async () => {
    await tui?.stop();
    await model?.close();
    await project?.remove();
  });

  it("sets a goal with `/goal <objective>`, works on it without being asked again, and shows its status on screen", {
    timeout: 90_000,
  }, async () => {
    await tui.submit("hello");
    await tui.waitForText("no goal", 20_000);
    await tui.submit("/goal files 2: write f1 and f2");
    const screen = await tui.waitForText(/goal complete · \S+ tok/, 60_000);
    expect(screen).toMatch(/goal complete/);
    expect(existsSync(join(project.dir, "f2.txt"))).toBe(true);
    // The command's own turn carried the goal context (no separate prompt was needed to start).
    const first = model.requests.find((request) =>
      JSON.stringify(request.body.messages).includes("files 2: write f1 and f2"),
    );
    expect(JSON.stringify(first?.body.messages)).toContain("<objective>files 2: write f1 and f2</objective>");
  });

  it("sets and pauses a goal from the `/goal` menu, the pause without a model turn", { timeout: 60_000 }, async () => {
    await tui.submit("/goal");
    await tui.waitForText("Set a goal", 10_000);
    await tui.press("Enter");
    await tui.waitForText("Goal objective", 10_000);
    await tui.submit("stall: ponder");
    await tui.waitForText("goal active", 20_000);
    await tui.submit("/goal");
    await tui.waitForText("Pause", 10_000);
    const before = model.requests.length;
    await tui.type("Pause");
    await tui.press("Enter");
    await tui.waitForText("goal paused", 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(model.requests.length - before).toBeLessThanOrEqual(1);
    // An acceptance criterion with its check, added from the menu: the indicator counts it.
    await tui.submit("/goal");
    await tui.waitForText("Add an acceptance criterion", 10_000);
    await tui.type("acceptance");
    await tui.press("Enter");
    await tui.waitForText("Acceptance criterion", 10_000);
    await tui.submit("the notes exist :: test -f notes.md");
    await tui.waitForText("criteria 0/1", 15_000);
  });
});
