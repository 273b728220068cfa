import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type PursuitConfig, type RuntimeEvent } from "@pursuit/agent";
import type { Goal, GoalInput } from "@pursuit/core";
import { type Behaviour, type ScriptedModel, startScriptedModel } from "@pursuit/testkit";

/**
 * Runs one goal of the native runtime (real SQLite file) against the scripted model until it stops and nothing
 * is left to do, then hands back the goal, the model's record and the runtime's events.
 */
export async function runGoal(options: {
  behaviour: Behaviour;
  goal: GoalInput;
  /** The model's provider entry (default: openai-compatible at the scripted model). */
  provider?: (url: string) => NonNullable<PursuitConfig["provider"]>[string];
  modelID?: string;
  config?: Partial<PursuitConfig>;
  /** The scripted model's context window (default: none). */
  modelWindow?: number;
}): Promise<{
  goal: Goal | undefined;
  model: ScriptedModel;
  events: RuntimeEvent[];
  /** When each event arrived (epoch ms), by index. */
  eventTimes: number[];
  seconds: number;
}> {
  const model = await startScriptedModel({
    behaviour: options.behaviour,
    ...(options.modelWindow !== undefined ? { contextWindow: options.modelWindow } : {}),
  });
  const root = mkdtempSync(join(tmpdir(), "pursuit-bench-goal-"));
  const provider = options.provider?.(model.url) ?? { type: "openai-compatible" as const, baseURL: model.url };
  const runtime = await createRuntime({
    database: join(root, "pursuit.db"),
    directory: root,
    recover: false,
    config: {
      model: `bench/${options.modelID ?? "scripted"}`,
      provider: { bench: provider },
      goal: { backoffBaseMs: 10 },
      ...options.config,
    },
  });
  const events: RuntimeEvent[] = [];
  const eventTimes: number[] = [];
  runtime.subscribe((event) => {
    events.push(event);
    eventTimes.push(Date.now());
  });
  const started = performance.now();
  try {
    const session = await runtime.sessions.create();
    await runtime.goals.create(session.id, options.goal);
    for (;;) {
      const goal = await runtime.goals.get(session.id);
      if (goal && goal.status !== "active" && runtime.quiet()) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    return { goal: await runtime.goals.get(session.id), model, events, eventTimes, seconds };
  } finally {
    await runtime.close();
    await model.close();
    rmSync(root, { recursive: true, force: true });
  }
}
