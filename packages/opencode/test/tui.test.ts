import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ScriptedModel, startScriptedModel } from "@pursuit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOpencodeProject,
  fixturesDir,
  type OpencodeProject,
  type OpencodeTui,
  readJsonLines,
  startOpencodeTui,
  tmuxAvailable,
} from "./harness/index.js";

describe("opencode TUI in tmux with the probe TUI plugin", () => {
  let model: ScriptedModel;
  let scratch: string;
  let logFile: string;
  let project: OpencodeProject;
  let tui: OpencodeTui;

  beforeAll(async () => {
    if (!(await tmuxAvailable())) throw new Error("tmux is required: apt-get install -y tmux");
    model = await startScriptedModel({ behaviour: (request) => ({ text: `reply ${request.index}` }) });
    scratch = await mkdtemp(join(tmpdir(), "probe-tui-"));
    logFile = join(scratch, "probe.jsonl");
    project = await createOpencodeProject({
      modelBaseURL: model.url,
      plugins: [{ path: join(fixturesDir, "probe-plugin"), options: { logFile, commandName: "probegoal" } }],
    });
    tui = await startOpencodeTui(project, {
      tuiPlugins: [{ path: join(fixturesDir, "probe-tui-plugin"), options: { serverCommand: "probegoal" } }],
      readyText: "probe:idle",
    });
  });

  afterAll(async () => {
    await tui?.stop();
    await model?.close();
    await project?.remove();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("shows the plugin's slot text and changes it when its slash command is typed", async () => {
    expect(await tui.screen()).not.toContain("probe:marked1");
    await tui.submit("/probemark");
    const screen = await tui.waitForText("probe:marked1", 10_000);
    expect(screen).not.toContain("probe:idle");
    expect(model.requests).toHaveLength(0);
  });

  it("passes a server command's arguments to the server plugin and to the TUI through command.executed", async () => {
    await tui.submit("/probegoal write the tests");
    await tui.waitForText("goal=write the tests", 20_000);
    const executed = readJsonLines<{ hook: string; input?: { command?: string; arguments?: string } }>(logFile).filter(
      (record) => record.hook === "command.execute.before",
    );
    expect(executed.map((record) => record.input)).toContainEqual(
      expect.objectContaining({ command: "probegoal", arguments: "write the tests" }),
    );
    // The command's template became a user prompt for the model.
    expect(JSON.stringify(model.requests.at(-1)?.body.messages)).toContain("probe command: write the tests");
  });

  it("leaves no process behind when stopped", async () => {
    expect(() => process.kill(tui.pid, 0)).not.toThrow();
    await tui.stop();
    expect(() => process.kill(tui.pid, 0)).toThrow();
  });
});
