/**
 * Measures how long `opencode serve` takes to become usable, with and without pre-populated config folders.
 * Run: npm run bench -- opencode (3 starts), or npx tsx --conditions=@pursuit/source bench/opencode-startup.ts
 * [starts] [--with-empty] (the empty-folder variants wait on an unreachable registry: over a minute).
 * "listening" = "listening on" printed; "ready" = first answered probe (the harness waits 2 s after listening);
 * "tools" = the plugin's tool is listed; "turn" = first prompt answered. All from spawn.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startScriptedModel } from "@pursuit/testkit";
import {
  type CreateOpencodeProjectOptions,
  createOpencodeProject,
  createSession,
  fixturesDir,
  startOpencodeServe,
} from "../packages/opencode/test/harness/index.js";

interface Timing {
  listening: number;
  ready: number;
  tools: number;
  turn: number;
}

async function measure(label: string, options: Partial<CreateOpencodeProjectOptions>): Promise<Timing> {
  const model = await startScriptedModel({ behaviour: [{ text: "ok" }] });
  const scratch = await mkdtemp(join(tmpdir(), "measure-"));
  const project = await createOpencodeProject({
    modelBaseURL: model.url,
    plugins: [{ path: join(fixturesDir, "probe-plugin"), options: { logFile: join(scratch, "log.jsonl") } }],
    ...options,
  });
  const started = Date.now();
  const serve = await startOpencodeServe(project, { readyTimeoutMs: 180_000 });
  try {
    const ready = Date.now() - started;
    const listening = serve.listeningMs;
    const ids = await fetch(`${serve.url}/experimental/tool/ids`, { signal: AbortSignal.timeout(180_000) });
    const listed = ((await ids.json()) as string[]).includes("probe_echo");
    const tools = Date.now() - started;
    const session = await createSession(serve.client, "measure");
    await serve.client.session.prompt({ path: { id: session.id }, body: { parts: [{ type: "text", text: "hi" }] } });
    const turn = Date.now() - started;
    console.log(
      `${label}: listening ${listening} ms, ready ${ready} ms, tool listed=${listed} at ${tools} ms, first turn done ${turn} ms`,
    );
    return { listening, ready, tools, turn };
  } finally {
    await serve.stop();
    await model.close();
    await project.remove();
    await rm(scratch, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function main(starts = 3, withEmpty = false): Promise<void> {
  const prepopulated: Timing[] = [];
  for (let i = 0; i < starts; i++) prepopulated.push(await measure(`prepopulated #${i + 1}`, {}));
  console.log(
    `opencode serve start-up, median of ${starts}: listening ${median(prepopulated.map((t) => t.listening))} ms, ready ${median(prepopulated.map((t) => t.ready))} ms, tools ${median(
      prepopulated.map((t) => t.tools),
    )} ms, first turn ${median(prepopulated.map((t) => t.turn))} ms`,
  );
  if (withEmpty) {
    await measure("empty config folders, npm offline=true", { prepopulateDependencies: false, npmOffline: true });
    await measure("empty config folders, unreachable registry", { prepopulateDependencies: false, npmOffline: false });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main(Number(process.argv[2] ?? 5), process.argv.includes("--with-empty"));
}
