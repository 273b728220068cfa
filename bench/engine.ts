/**
 * Engine + SQLite store benchmark: with 10,000 goals stored, how long does it take to charge one model step
 * and decide the continuation for one goal? Prints median and p99 microseconds and steps per second (one core).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GoalEngine, type GoalTurn } from "@pursuit/core";
import { monotonicIds, openStore } from "@pursuit/store";
import { percentile, printTable } from "./stats.js";

export async function main(options: { goals?: number; samples?: number } = {}): Promise<void> {
  const goals = options.goals ?? 10_000;
  const samples = options.samples ?? 20_000;
  const dir = mkdtempSync(join(tmpdir(), "pursuit-bench-"));
  const store = await openStore({ path: join(dir, "bench.db") });
  try {
    const engine = new GoalEngine({ store: store.goals, clock: { now: Date.now }, ids: monotonicIds });
    const sessions: string[] = [];
    const seedStart = performance.now();
    const turns = new Map<string, GoalTurn>();
    for (let i = 0; i < goals; i++) {
      const sessionID = `ses_${i}`;
      sessions.push(sessionID);
      await engine.createGoal(sessionID, { objective: `goal number ${i}`, limits: { tokens: 10_000_000 } });
      turns.set(sessionID, await engine.beginTurn(sessionID, { turnID: `turn_${i}`, continuation: true }));
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const facts = { idle: true, queuedUserMessage: false, waitingOnPerson: false };
    const micros: number[] = [];
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    for (let i = 0; i < samples; i++) {
      const sessionID = sessions[(i * 7919) % goals] as string;
      const start = performance.now();
      const turn = turns.get(sessionID) as GoalTurn;
      await turn.reserveStep({ stepID: `step_${i}`, estimatedInputTokens: 120 }).finished({
        usage: { noCacheInput: 120, cacheRead: 4000, cacheWrite: 0, output: 80, reasoning: 0 },
      });
      await engine.sessionIdle(sessionID, facts);
      micros.push((performance.now() - start) * 1000);
    }
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    micros.sort((a, b) => a - b);
    printTable("engine + SQLite store: charge one step and decide continuation", [
      ["goals stored", String(goals)],
      ["seeding (create goal + start turn)", `${(goals / seedSeconds).toFixed(0)} goals/s`],
      ["samples", String(samples)],
      ["median", `${percentile(micros, 0.5).toFixed(1)} µs`],
      ["p99", `${percentile(micros, 0.99).toFixed(1)} µs`],
      ["steps per second (wall)", (samples / wallSeconds).toFixed(0)],
      ["steps per CPU-second", (samples / ((cpu.user + cpu.system) / 1e6)).toFixed(0)],
    ]);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
