/**
 * Host benchmark: N concurrent goal sessions of the real runtime (SQLite file, AI SDK over HTTP), in a process of
 * its own on the built dist as `pursuit serve` runs (host-runtime.ts), against the scripted model in another
 * process with 50 ms latency; each goal runs 10 continuation turns (a write, then a
 * short answer), stopped by a turns limit. Prints turns per second, host CPU per turn (the model's process
 * excluded), the delay from a session going idle to its next model request, peak memory and prefix reuse;
 * then the continuation gap of one session alone (native, and in `opencode serve` with the plugin's built
 * dist) and the five figures against their targets. Run `npm run build` first.
 *
 * Run: `npx tsx --conditions=@pursuit/source bench/host.ts` (or `npm run bench -- host`).
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";
import { nativeGap, opencodeGaps } from "./continuation-gap.js";
import type { HostRuntimeOptions, HostRuntimeReport } from "./host-runtime.js";
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

/** The figures of one run, for comparisons (bench/replicas.ts). */
export type HostFigures = { cpuPerTurnMs: number; p50Ms: number; p99Ms: number; turnsPerSecond: number };

export async function main(
  options: { sessions?: number; turns?: number; latencyMs?: number; gaps?: boolean; database?: string } = {},
): Promise<HostFigures> {
  const sessionCount = options.sessions ?? 100;
  const turns = options.turns ?? 10;
  const latencyMs = options.latencyMs ?? 50;
  const child = fork(new URL("./host-model.ts", import.meta.url), [String(latencyMs)], { stdio: "inherit" });
  const root = mkdtempSync(join(tmpdir(), "pursuit-bench-host-"));
  let host: ChildProcess | undefined;
  try {
    const { url } = await nextMessage<{ url: string }>(child);
    host = startHostRuntime({
      root,
      modelURL: url,
      sessions: sessionCount,
      turns,
      ...(options.database ? { database: options.database } : {}),
    });
    await nextMessage<"ready">(host);
    child.send("cpu");
    const modelCpuStart = (await nextMessage<{ cpuMs: number }>(child)).cpuMs;
    host.send("start");
    const run = await nextMessage<HostRuntimeReport>(host);
    child.send("cpu");
    const modelCpuMs = (await nextMessage<{ cpuMs: number }>(child)).cpuMs - modelCpuStart;

    child.send("report");
    const report = await nextMessage<ModelReport>(child);
    const delays = idleToNextRequest(report.requests, run.sessions);
    const totalTurns = sessionCount * turns;
    const peakRssMB = run.peakRssBytes / 1024 / 1024;
    const where = options.database ? "PostgreSQL" : "SQLite";
    printTable(
      `host on ${where}: ${sessionCount} goal sessions x ${turns} continuation turns, model latency ${latencyMs} ms`,
      [
        ["model requests", String(report.requests.length)],
        ["wall time", `${run.wallSeconds.toFixed(2)} s`],
        ["turns per second", (totalTurns / run.wallSeconds).toFixed(1)],
        ["host CPU per turn (model excluded)", `${(run.cpuMs / totalTurns).toFixed(2)} ms`],
        ["host event-loop busy time per turn", `${(run.loopActiveMs / totalTurns).toFixed(2)} ms`],
        ["model process CPU per turn (for reference)", `${(modelCpuMs / totalTurns).toFixed(2)} ms`],
        ["idle -> next request, p50", `${percentile(delays, 0.5).toFixed(2)} ms`],
        ["idle -> next request, p99", `${percentile(delays, 0.99).toFixed(2)} ms`],
        ["idle -> next request, samples", String(delays.length)],
        ["peak RSS (host process, built dist)", `${peakRssMB.toFixed(0)} MB`],
        ["prefix reuse (min / mean)", `${report.reuse.minReuse} / ${report.reuse.meanReuse?.toFixed(4)}`],
        ["failed steps", run.errors.map(([message, count]) => `${count}x ${message}`).join("; ") || "0"],
        ["request pairs that broke the cache", `${report.reuse.brokenPairs} of ${report.reuse.pairs}`],
      ],
    );
    const cpuPerTurn = run.cpuMs / totalTurns;
    const figures: HostFigures = {
      cpuPerTurnMs: cpuPerTurn,
      p50Ms: percentile(delays, 0.5),
      p99Ms: percentile(delays, 0.99),
      turnsPerSecond: totalTurns / run.wallSeconds,
    };
    if (options.gaps === false) return figures;
    const native = percentile(await nativeGap(), 0.5);
    const opencode = await opencodeGaps();
    const target = (value: number, limit: number, unit: string) =>
      `${value.toFixed(1)} ${unit} (target <= ${limit} ${unit}: ${value <= limit ? "met" : "not met"})`;
    printTable("host figures against their targets", [
      ["host CPU per turn", target(cpuPerTurn, 6, "ms")],
      ["idle -> next request, p99 (100 sessions)", target(percentile(delays, 0.99), 100, "ms")],
      ["peak RSS (host process, built dist)", target(peakRssMB, 200, "MB")],
      ["continuation gap, native host (median)", target(native, 10, "ms")],
      ["continuation gap, opencode serve + plugin (median)", target(percentile(opencode.plugin, 0.5), 60, "ms")],
      [
        "  the same for a client prompting at idle, no plugin",
        `${percentile(opencode.promptAtIdle, 0.5).toFixed(1)} ms (OpenCode's own share)`,
      ],
    ]);
    return figures;
  } finally {
    if (host?.connected) host.disconnect();
    child.disconnect();
    rmSync(root, { recursive: true, force: true });
  }
}

/** For every time a session went idle and continued, the delay until its next model request arrived. */
function idleToNextRequest(requests: ModelReport["requests"], sessions: HostRuntimeReport["sessions"]): number[] {
  const bySession = new Map<string, number[]>();
  const keyToSession = new Map<string, string>();
  for (const request of requests) {
    let sessionID = keyToSession.get(request.conversationKey);
    if (!sessionID) {
      // The longest directory named in the conversation is its own (`s1` is a prefix of `s10`).
      sessionID = sessions
        .filter(({ directory }) => request.conversationKey.includes(JSON.stringify(directory).slice(1, -1)))
        .sort((a, b) => b.directory.length - a.directory.length)[0]?.id;
      if (!sessionID) continue;
      keyToSession.set(request.conversationKey, sessionID);
    }
    bySession.set(sessionID, [...(bySession.get(sessionID) ?? []), request.time]);
  }
  const delays: number[] = [];
  for (const { id, idleAt } of sessions) {
    const times = (bySession.get(id) ?? []).sort((a, b) => a - b);
    for (const idle of idleAt) {
      const next = times.find((time) => time >= idle);
      if (next !== undefined) delays.push(next - idle);
    }
  }
  return delays.sort((a, b) => a - b);
}

/**
 * The host in plain Node on the built dist, as `pursuit serve` runs (see host-runtime.ts): its source is
 * transformed to JavaScript here and evaluated from the repository root, so its imports resolve as the CLI's.
 */
function startHostRuntime(options: HostRuntimeOptions): ChildProcess {
  const source = readFileSync(new URL("./host-runtime.ts", import.meta.url), "utf8");
  const { code } = transformSync(source, { loader: "ts", format: "esm", target: "node20" });
  // BENCH_CPU_PROF=DIR writes the host's CPU profile there (open it in Chrome's DevTools, Performance tab).
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  return spawn(process.execPath, [...profile, "--input-type=module", "--eval", code, JSON.stringify(options)], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
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
