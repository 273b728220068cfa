/**
 * Crash benchmark: `pursuit serve` killed with SIGKILL 20 times while a goal runs (a kill every 0.2-1 s,
 * started again each time). Prints the steps charged twice, the goals lost and the share of the model's tokens
 * charged: of what it billed (as providers bill, a cut request for its input and the output streamed before the
 * cut), and of everything served with cut requests counted in full.
 *
 * Run: `npm run bench -- crash`.
 */
import { runKillScenario } from "../packages/cli/test/kill-scenario.js";
import { printTable } from "./stats.js";

export async function main(): Promise<void> {
  const kills = 20;
  const result = await runKillScenario(kills);
  const keys = result.charges.map((row) => row.key).filter((key) => key.startsWith("step:"));
  const charged = result.goal?.usage.tokens ?? 0;
  const estimated = result.charges.filter((row) => row.estimated).length;
  printTable(`crash: ${kills} x kill -9 during a goal (target: 0 double, 0 lost, 95-110% of the bill charged)`, [
    ["requests (cut by a kill)", `${result.requests} (${result.cutRequests})`],
    ["steps charged twice", String(keys.length - new Set(keys).size)],
    ["goals lost", result.goal ? "0" : "1"],
    ["steps charged from reservations", String(estimated)],
    [
      "charged / billed (cut requests: input and output streamed)",
      `${charged} / ${result.billed} = ${((charged / result.billed) * 100).toFixed(1)}%`,
    ],
    ["billed for the requests a kill cut", String(result.cutBilled)],
    [
      "charged / served (cut counted in full)",
      `${charged} / ${result.served} = ${((charged / result.served) * 100).toFixed(1)}%`,
    ],
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
