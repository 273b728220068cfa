import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PursuitConfig } from "@pursuit/agent";
import { createDemoBehaviour, type ScriptedModel, startScriptedModel } from "@pursuit/testkit";

export const DEMO_OBJECTIVE = "Create notes-1.md, notes-2.md and notes-3.md, each with a short note.";

export const DEMO_BANNER = [
  "DEMONSTRATION: a scripted stand-in model answers here, not a real AI. It writes the files the goal",
  "names, one per turn, then reports the goal complete with evidence. Nothing leaves this machine.",
].join("\n");

export type DemoSetup = { model: ScriptedModel; config: PursuitConfig; directory: string };

/**
 * The testkit's scripted model on a loopback port, configured as an openai-compatible provider, and a fresh
 * scratch directory for the files it writes (unless the user named one).
 */
export async function startDemo(directory?: string): Promise<DemoSetup> {
  const model = await startScriptedModel({ behaviour: createDemoBehaviour(), latencyMs: 300, chunkDelayMs: 5 });
  return {
    model,
    directory: directory ?? mkdtempSync(join(tmpdir(), "pursuit-demo-")),
    config: {
      model: "demo/scripted",
      provider: { demo: { type: "openai-compatible", baseURL: model.url } },
      // One model step per turn, so the demonstration shows the goal carrying work across turns.
      agent: { maxStepsPerTurn: 1 },
    },
  };
}
