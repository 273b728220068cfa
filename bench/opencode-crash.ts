/**
 * Crash benchmark for the OpenCode plugin: `opencode serve` (with the plugin's built dist: run `npm run build`
 * first) killed with SIGKILL 10 times while a goal runs. Prints the steps charged twice and what is charged
 * against what the model billed (as providers bill: a cut request for its input and the output streamed before
 * the cut). Target: 0 twice, 95-110%.
 *
 * Run: `npm run bench -- opencode-crash`.
 */
import { runOpencodeKillScenario } from "../packages/opencode/test/kill-scenario.js";
import { printTable } from "./stats.js";

export async function main(kills = 10): Promise<void> {
  const result = await runOpencodeKillScenario(kills);
  printTable(`opencode crash: ${kills} x kill -9 of opencode serve during a goal (target: 0 twice, 95-110%)`, [
    ["requests (cut by a kill)", `${result.requests} (${result.cutRequests})`],
    ["steps charged twice", String(result.stepsChargedTwice)],
    [
      "charged / billed",
      `${result.charged} / ${result.billed} = ${((result.charged / result.billed) * 100).toFixed(1)}%`,
    ],
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
