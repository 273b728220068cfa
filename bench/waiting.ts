/**
 * Waiting benchmark: the "waiting for CI" goal. The model polls `cat ci-status` (CI reports "pending") until CI
 * turns green 5 minutes in; time is compressed 60x (5 min = 5 s, checks every 15 s -> 250 ms doubling to
 * 5 min -> 5 s). It compares two ways of getting through the wait, on the native runtime and a real SQLite file:
 * - waiting: the runtime sees the polling, waits on the command itself (no model call) and wakes when its
 *   output changes;
 * - pause-and-resume (before waiting existed): the goal pauses after 3 turns without progress and a person
 *   resumes it once CI is green (here the moment it turns green, the best a person can do).
 * Prints the model turns and requests while waiting, the requests between, the tokens spent, and whether the
 * goal completed. Target: at most 2 model turns while waiting, 0 requests between, complete after the change.
 *
 * Run: `npm run bench -- waiting`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime } from "@pursuit/agent";
import type { Goal } from "@pursuit/core";
import { billedTokens, lastUserText, type RecordedRequest, type Reply, startScriptedModel } from "@pursuit/testkit";
import { printTable } from "./stats.js";

const COMPRESSION = 60;
const CI_GREEN_AFTER_MS = (5 * 60_000) / COMPRESSION;

type Mode = "waiting" | "pause-and-resume";

function pollingModel(mode: Mode) {
  return (request: RecordedRequest): Reply => {
    const told = lastUserText(request);
    if (told.includes("Note:") || told.includes("CI is green now")) {
      return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "CI is green" } }] };
    }
    const last = request.body.messages.at(-1) as { role: string; content?: unknown } | undefined;
    if (last?.role === "tool") {
      return String(last.content).includes("green")
        ? { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "CI is green" } }] }
        : { text: "CI is still pending." };
    }
    // Before waiting existed, the polling model was stopped by the stall rule: here it only talks (no tool),
    // so nothing but that rule (pause after 3 turns without progress) ends its spin.
    if (mode === "pause-and-resume") return { text: "CI is still pending; I will check again." };
    return { toolCalls: [{ name: "bash", arguments: { command: "cat ci-status" } }] };
  };
}

async function run(mode: Mode): Promise<{
  requestsWhileWaiting: number;
  turnsWhileWaiting: number;
  tokensWhileWaiting: number;
  totalTokens: number;
  status: string;
  seconds: number;
}> {
  const root = mkdtempSync(join(tmpdir(), "pursuit-bench-wait-"));
  const model = await startScriptedModel({ behaviour: pollingModel(mode) });
  writeFileSync(join(root, "ci-status"), "pending\n");
  const runtime = await createRuntime({
    database: join(root, "pursuit.db"),
    directory: root,
    recover: false,
    config: {
      model: "bench/scripted",
      provider: { bench: { type: "openai-compatible", baseURL: model.url } },
      goal: {
        backoffBaseMs: 2_000 / COMPRESSION,
        backoffMaxMs: 60_000 / COMPRESSION,
        waitCheckFirstMs: 15_000 / COMPRESSION,
        waitCheckMaxMs: (5 * 60_000) / COMPRESSION,
      },
    },
  });
  const started = performance.now();
  try {
    const session = await runtime.sessions.create();
    await runtime.goals.create(session.id, { objective: "Ship once CI is green" });
    let green = false;
    let turnsAtGreen = 0;
    let goal: Goal | undefined;
    for (;;) {
      goal = await runtime.goals.get(session.id);
      const elapsed = performance.now() - started;
      if (!green && elapsed >= CI_GREEN_AFTER_MS) {
        green = true;
        turnsAtGreen = goal?.usage.turns ?? 0;
        writeFileSync(join(root, "ci-status"), "green\n");
        if (mode === "pause-and-resume") {
          // The person comes back, resumes the goal and says why.
          if (goal?.status === "paused") await runtime.goals.update(session.id, { status: "active" });
          await runtime.promptAsync(session.id, { text: "CI is green now." });
        }
      }
      if (green && goal && goal.status !== "active" && goal.status !== "waiting" && runtime.quiet()) break;
      if (elapsed > CI_GREEN_AFTER_MS * 6) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const greenAt = started + CI_GREEN_AFTER_MS;
    // Requests are stamped with the high-resolution clock's epoch time.
    const before = model.requests.filter((request) => request.time < performance.timeOrigin + greenAt);
    return {
      requestsWhileWaiting: before.length,
      turnsWhileWaiting: turnsAtGreen,
      tokensWhileWaiting: billedTokens(before),
      totalTokens: billedTokens(model.requests),
      status: goal?.status ?? "none",
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await runtime.close();
    await model.close();
    rmSync(root, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  const rows: [string, string][] = [];
  for (const mode of ["waiting", "pause-and-resume"] as const) {
    const result = await run(mode);
    rows.push([
      mode,
      `${result.turnsWhileWaiting} model turns and ${result.requestsWhileWaiting} requests before CI turned green (${result.tokensWhileWaiting} tokens billed); ${result.totalTokens} billed in all; ${result.status} after ${result.seconds.toFixed(1)} s`,
    ]);
  }
  printTable("waiting for CI (green after 5 min, compressed 60x): target <= 2 turns while waiting", rows);
}
