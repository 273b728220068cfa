/**
 * Replicas benchmark: the host benchmark's load (N goal sessions x 10 continuation turns against the scripted
 * model, in a process of its own on the built dist) on SQLite and on a throwaway PostgreSQL server, side by side:
 * turns per second, host CPU per turn and the delay from idle to the next request. Run `npm run build` first.
 *
 * Run: `npm run bench -- replicas` (or `npx tsx --conditions=@pursuit/source bench/replicas.ts --sessions 300`).
 */
import { startPostgresCluster } from "@pursuit/testkit";
import { main as host } from "./host.js";
import { printTable } from "./stats.js";

export async function main(options: { sessions?: number[] } = {}): Promise<void> {
  const cluster = await startPostgresCluster();
  try {
    const rows: [string, string][] = [];
    for (const sessions of options.sessions ?? [100, 300]) {
      const sqlite = await host({ sessions, gaps: false });
      const postgres = await host({ sessions, gaps: false, database: cluster.createDatabase(`bench_${sessions}`) });
      const ratio = (a: number, b: number) => `${(b / a).toFixed(2)}x`;
      rows.push(
        [
          `${sessions} sessions: turns per second`,
          `${sqlite.turnsPerSecond.toFixed(1)} -> ${postgres.turnsPerSecond.toFixed(1)}`,
        ],
        [
          `${sessions} sessions: host CPU per turn`,
          `${sqlite.cpuPerTurnMs.toFixed(2)} -> ${postgres.cpuPerTurnMs.toFixed(2)} ms (${ratio(sqlite.cpuPerTurnMs, postgres.cpuPerTurnMs)}; target <= 1.5x)`,
        ],
        [
          `${sessions} sessions: idle -> next request p50 / p99`,
          `${sqlite.p50Ms.toFixed(0)} / ${sqlite.p99Ms.toFixed(0)} -> ${postgres.p50Ms.toFixed(0)} / ${postgres.p99Ms.toFixed(0)} ms`,
        ],
      );
    }
    printTable("one replica: SQLite -> PostgreSQL (the host CPU excludes the database server's own)", rows);
  } finally {
    await cluster.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const index = process.argv.indexOf("--sessions");
  await main(index > 0 ? { sessions: [Number(process.argv[index + 1])] } : {});
}
