/**
 * The host side of `bench/host.ts`, in a process of its own that runs as `pursuit serve` does: plain Node on
 * the packages' built dist, without the TypeScript loader the bench runs under (which alone holds ~60 MB).
 * `host.ts` starts it with this file transformed to JavaScript; it talks over the IPC channel:
 *   argv: JSON of HostRuntimeOptions → "ready" (sessions created, warmed up);
 *   "start" → every session gets its goal; when all are stopped by their turns limit → HostRuntimeReport.
 * Keep its imports to packages and node: built-ins: it is evaluated from the repository root, not from bench/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createRuntime } from "@pursuit/agent";

export type HostRuntimeOptions = {
  root: string;
  modelURL: string;
  sessions: number;
  turns: number;
  /** A postgres:// URL to run on instead of a SQLite file in `root`. */
  database?: string;
};

export type HostRuntimeReport = {
  wallSeconds: number;
  cpuMs: number;
  loopActiveMs: number;
  /** The process's peak resident set, from start to the end of the run (`maxRSS`). */
  peakRssBytes: number;
  /** Each session's working directory and the times it went idle. */
  sessions: { id: string; directory: string; idleAt: number[] }[];
  errors: [message: string, count: number][];
};

const now = () => performance.timeOrigin + performance.now();

async function run(options: HostRuntimeOptions): Promise<HostRuntimeReport> {
  const runtime = await createRuntime({
    database: options.database ?? join(options.root, "pursuit.db"),
    directory: options.root,
    recover: false,
    config: { model: "bench/scripted", provider: { bench: { type: "openai-compatible", baseURL: options.modelURL } } },
  });
  const sessions = new Map<string, { id: string; directory: string; idleAt: number[] }>();
  const limited = new Set<string>();
  const errors = new Map<string, number>();
  let done!: () => void;
  const allDone = new Promise<void>((resolve) => {
    done = resolve;
  });
  runtime.subscribe((event) => {
    if (event.type === "session.error") {
      const message = event.properties.error.message;
      errors.set(message, (errors.get(message) ?? 0) + 1);
    }
    if (event.type === "session.idle") sessions.get(event.properties.sessionID)?.idleAt.push(now());
    const goal = event.type === "session.goal.updated" ? event.properties.goal : undefined;
    if (goal?.status === "budget_limited" && sessions.has(goal.sessionID) && !limited.has(goal.sessionID)) {
      limited.add(goal.sessionID);
      if (limited.size === options.sessions) done();
    }
  });
  // Warm-up: load and compile every module on the path (and open the connection pool) before measuring.
  const warm = await runtime.sessions.create({ directory: options.root });
  const warmedUp = new Promise<void>((resolve) => {
    const stop = runtime.subscribe((event) => {
      if (event.type === "session.goal.updated" && event.properties.goal.status === "budget_limited") {
        stop();
        resolve();
      }
    });
  });
  await runtime.goals.create(warm.id, { objective: "warm up", limits: { turns: 2 } });
  await warmedUp;
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (let i = 0; i < options.sessions; i++) {
    const directory = join(options.root, `s${i}`);
    mkdirSync(directory);
    const session = await runtime.sessions.create({ directory });
    sessions.set(session.id, { id: session.id, directory, idleAt: [] });
  }
  await signal("ready", "start");

  const cpuStart = process.cpuUsage();
  const loopStart = performance.eventLoopUtilization();
  const started = now();
  await Promise.all(
    [...sessions.keys()].map((id, i) =>
      runtime.goals.create(id, { objective: `Benchmark goal ${i}`, limits: { turns: options.turns } }),
    ),
  );
  await allDone;
  const wallSeconds = (now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const loop = performance.eventLoopUtilization(loopStart);
  // Let the last turns' bookkeeping finish before closing.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await runtime.close();
  return {
    wallSeconds,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loopActiveMs: loop.active,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    sessions: [...sessions.values()],
    errors: [...errors],
  };
}

/** Sends `message` to the bench and waits for its `reply`. */
function signal(message: string, reply: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (received: unknown) => {
      if (received !== reply) return;
      process.off("message", onMessage);
      resolve();
    };
    process.on("message", onMessage);
    process.send?.(message);
  });
}

const options = JSON.parse(process.argv.at(-1) ?? "{}") as HostRuntimeOptions;
const report = await run(options);
process.send?.(report, () => process.disconnect());
