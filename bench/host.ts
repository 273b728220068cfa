/**
 * Host benchmark: N concurrent goal sessions of the real runtime (SQLite file, AI SDK over HTTP) against the
 * scripted model in a child process with 50 ms latency; each goal runs 10 continuation turns (a write, then a
 * short answer), stopped by a turns limit. Prints turns per second, host CPU per turn (the model's process
 * excluded), the delay from a session going idle to its next model request, peak memory and prefix reuse;
 * then the continuation gap of one session alone (native, and in `opencode serve` with the plugin's built
 * dist: run `npm run build` first) and the five figures against their targets.
 *
 * Run: `npx tsx --conditions=@pursuit/source bench/host.ts` (or `npm run bench -- host`).
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime } from "@pursuit/agent";
import { nativeGap, opencodeGaps } from "./continuation-gap.js";
import { percentile, printTable } from "./stats.js";

type ModelReport = {
  requests: { time: number; conversationKey: string }[];
  reuse: {
    pairs: number;
    brokenPairs: number;
    minReuse: number | null;
    meanReuse: number | null;
    conversations: number;
  };
};

const now = () => performance.timeOrigin + performance.now();

export async function main(
  options: { sessions?: number; turns?: number; latencyMs?: number; gaps?: boolean } = {},
): Promise<void> {
  const sessionCount = options.sessions ?? 100;
  const turns = options.turns ?? 10;
  const latencyMs = options.latencyMs ?? 50;
  const child = fork(new URL("./host-model.ts", import.meta.url), [String(latencyMs)], { stdio: "inherit" });
  const root = mkdtempSync(join(tmpdir(), "pursuit-bench-host-"));
  try {
    const { url } = await nextMessage<{ url: string }>(child);
    const runtime = await createRuntime({
      dbPath: join(root, "pursuit.db"),
      directory: root,
      recover: false,
      config: { model: "bench/scripted", provider: { bench: { type: "openai-compatible", baseURL: url } } },
    });
    const directories = new Map<string, string>();
    const idleAt = new Map<string, number[]>();
    const limited = new Set<string>();
    let done!: () => void;
    const allDone = new Promise<void>((resolve) => {
      done = resolve;
    });
    const errors = new Map<string, number>();
    runtime.subscribe((event) => {
      if (event.type === "session.error") {
        const message = event.properties.error.message;
        errors.set(message, (errors.get(message) ?? 0) + 1);
      }
      if (event.type === "session.idle") idleAt.get(event.properties.sessionID)?.push(now());
      const goal = event.type === "session.goal.updated" ? event.properties.goal : undefined;
      if (goal?.status === "budget_limited" && directories.has(goal.sessionID) && !limited.has(goal.sessionID)) {
        limited.add(goal.sessionID);
        if (limited.size === sessionCount) done();
      }
    });
    // Warm-up: load and compile every module on the path (and open the connection pool) before measuring.
    const warm = await runtime.sessions.create({ directory: root });
    await runtime.goals.create(warm.id, { objective: "warm up", limits: { turns: 2 } });
    await new Promise<void>((resolve) => {
      const stop = runtime.subscribe((event) => {
        if (event.type === "session.goal.updated" && event.properties.goal.status === "budget_limited") {
          stop();
          resolve();
        }
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const sessions: string[] = [];
    for (let i = 0; i < sessionCount; i++) {
      const directory = join(root, `s${i}`);
      mkdirSync(directory);
      const session = await runtime.sessions.create({ directory });
      sessions.push(session.id);
      directories.set(session.id, directory);
      idleAt.set(session.id, []);
    }

    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 20);
    child.send("cpu");
    const modelCpuStart = (await nextMessage<{ cpuMs: number }>(child)).cpuMs;
    const cpuStart = process.cpuUsage();
    const loopStart = performance.eventLoopUtilization();
    const started = now();
    await Promise.all(
      sessions.map((id, i) => runtime.goals.create(id, { objective: `Benchmark goal ${i}`, limits: { turns } })),
    );
    await allDone;
    const wallSeconds = (now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const loop = performance.eventLoopUtilization(loopStart);
    clearInterval(sampler);
    child.send("cpu");
    const modelCpuMs = (await nextMessage<{ cpuMs: number }>(child)).cpuMs - modelCpuStart;
    // Let the last turns' bookkeeping finish before closing.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await runtime.close();

    child.send("report");
    const report = await nextMessage<ModelReport>(child);
    const delays = idleToNextRequest(report.requests, idleAt, directories);
    const totalTurns = sessionCount * turns;
    printTable(`host: ${sessionCount} goal sessions x ${turns} continuation turns, model latency ${latencyMs} ms`, [
      ["model requests", String(report.requests.length)],
      ["wall time", `${wallSeconds.toFixed(2)} s`],
      ["turns per second", (totalTurns / wallSeconds).toFixed(1)],
      ["host CPU per turn (model excluded)", `${((cpu.user + cpu.system) / 1000 / totalTurns).toFixed(2)} ms`],
      ["host event-loop busy time per turn", `${(loop.active / totalTurns).toFixed(2)} ms`],
      ["model process CPU per turn (for reference)", `${(modelCpuMs / totalTurns).toFixed(2)} ms`],
      ["idle -> next request, p50", `${percentile(delays, 0.5).toFixed(2)} ms`],
      ["idle -> next request, p99", `${percentile(delays, 0.99).toFixed(2)} ms`],
      ["idle -> next request, samples", String(delays.length)],
      ["peak RSS (host process)", `${(peakRss / 1024 / 1024).toFixed(0)} MB`],
      ["prefix reuse (min / mean)", `${report.reuse.minReuse} / ${report.reuse.meanReuse?.toFixed(4)}`],
      ["failed steps", [...errors].map(([message, count]) => `${count}x ${message}`).join("; ") || "0"],
      ["request pairs that broke the cache", `${report.reuse.brokenPairs} of ${report.reuse.pairs}`],
    ]);
    const cpuPerTurn = (cpu.user + cpu.system) / 1000 / totalTurns;
    if (options.gaps === false) return;
    const native = percentile(await nativeGap(), 0.5);
    const opencode = await opencodeGaps();
    const target = (value: number, limit: number, unit: string) =>
      `${value.toFixed(1)} ${unit} (target <= ${limit} ${unit}: ${value <= limit ? "met" : "not met"})`;
    printTable("host figures against their targets", [
      ["host CPU per turn", target(cpuPerTurn, 6, "ms")],
      ["idle -> next request, p99 (100 sessions)", target(percentile(delays, 0.99), 100, "ms")],
      ["peak RSS (host process, under tsx)", target(peakRss / 1024 / 1024, 200, "MB")],
      ["continuation gap, native host (median)", target(native, 10, "ms")],
      ["continuation gap, opencode serve + plugin (median)", target(percentile(opencode.plugin, 0.5), 60, "ms")],
      [
        "  the same for a client prompting at idle, no plugin",
        `${percentile(opencode.promptAtIdle, 0.5).toFixed(1)} ms (OpenCode's own share)`,
      ],
    ]);
  } finally {
    child.disconnect();
    rmSync(root, { recursive: true, force: true });
  }
}

/** For every time a session went idle and continued, the delay until its next model request arrived. */
function idleToNextRequest(
  requests: ModelReport["requests"],
  idleAt: Map<string, number[]>,
  directories: Map<string, string>,
): number[] {
  const bySession = new Map<string, number[]>();
  const keyToSession = new Map<string, string>();
  for (const request of requests) {
    let sessionID = keyToSession.get(request.conversationKey);
    if (!sessionID) {
      for (const [id, directory] of directories) {
        if (request.conversationKey.includes(JSON.stringify(directory).slice(1, -1))) sessionID = id;
      }
      if (!sessionID) continue;
      keyToSession.set(request.conversationKey, sessionID);
    }
    bySession.set(sessionID, [...(bySession.get(sessionID) ?? []), request.time]);
  }
  const delays: number[] = [];
  for (const [sessionID, idles] of idleAt) {
    const times = (bySession.get(sessionID) ?? []).sort((a, b) => a - b);
    for (const idle of idles) {
      const next = times.find((time) => time >= idle);
      if (next !== undefined) delays.push(next - idle);
    }
  }
  return delays.sort((a, b) => a - b);
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the model process exited (${code})`));
    child.once("exit", onExit);
    child.once("message", (message) => {
      child.off("exit", onExit);
      resolve(message as T);
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Optional: --sessions N --turns N --latency MS, --no-gaps (skip the one-session gaps, e.g. under --cpu-prof)
  const arg = (name: string) => {
    const index = process.argv.indexOf(`--${name}`);
    return index > 0 ? Number(process.argv[index + 1]) : undefined;
  };
  const sessions = arg("sessions");
  const turns = arg("turns");
  const latencyMs = arg("latency");
  await main({
    ...(sessions ? { sessions } : {}),
    ...(turns ? { turns } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    gaps: !process.argv.includes("--no-gaps"),
  });
}
