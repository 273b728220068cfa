/**
 * HTTP API benchmark against a real `pursuit serve` process on loopback:
 * - goal GET and PATCH: requests per second and latency percentiles under 50 concurrent clients
 *   (each client owns a session with a paused goal, so no model turn runs);
 * - SSE fan-out: 100 subscribers on GET /event; time from a goal change until all 100 have the event.
 * Prints the numbers.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startScriptedModel } from "@pursuit/testkit";
import { percentile, printTable } from "./stats.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TSX_LOADER = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist/loader.mjs"),
);

type Options = { clients?: number; seconds?: number; subscribers?: number; fanoutRounds?: number };

export async function main(options: Options = {}): Promise<void> {
  const clients = options.clients ?? 50;
  const seconds = options.seconds ?? 5;
  const subscribers = options.subscribers ?? 100;
  const rounds = options.fanoutRounds ?? 30;
  const dir = mkdtempSync(join(tmpdir(), "pursuit-bench-api-"));
  const model = await startScriptedModel({ behaviour: [{ text: "ok" }] });
  const project = join(dir, "project");
  mkdirSync(project);
  writeFileSync(
    join(project, "pursuit.json"),
    JSON.stringify({ model: "local/m", provider: { local: { type: "openai-compatible", baseURL: model.url } } }),
  );
  const server = await startServer(project, join(dir, "bench.db"));
  try {
    const sessions = await Promise.all(Array.from({ length: clients }, () => pausedGoalSession(server.url)));
    await waitIdle(server.url);

    const getGoal = (client: number) => fetch(`${server.url}/session/${sessions[client]}/goal`);
    await load(clients, 1, getGoal); // warm-up: JIT and connection pool
    const get = await load(clients, seconds, getGoal);
    let counter = 0;
    const patch = await load(clients, seconds, (client) =>
      fetch(`${server.url}/session/${sessions[client]}/goal`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ limits: { tokens: 1_000_000 + counter++ } }),
      }),
    );
    const fanout = await sseFanout(server.url, sessions[0] as string, subscribers, rounds);

    const row = (name: string, result: LoadResult): [string, string][] => [
      [`${name} requests/s`, result.perSecond.toFixed(0)],
      [`${name} p50 / p99 latency`, `${result.p50.toFixed(2)} / ${result.p99.toFixed(2)} ms`],
      [`${name} errors`, String(result.errors)],
    ];
    printTable(`HTTP API on loopback: ${clients} concurrent clients, ${seconds} s per route (pursuit serve, SQLite)`, [
      ...row("GET  /session/:id/goal", get),
      ...row("PATCH /session/:id/goal", patch),
    ]);
    printTable(`SSE fan-out: ${subscribers} subscribers on GET /event, ${rounds} goal changes`, [
      ["all subscribers reached, median", `${percentile(fanout, 0.5).toFixed(2)} ms`],
      ["all subscribers reached, p99", `${percentile(fanout, 0.99).toFixed(2)} ms`],
      ["all subscribers reached, max", `${(fanout.at(-1) ?? Number.NaN).toFixed(2)} ms`],
    ]);
  } finally {
    await server.stop();
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startServer(directory: string, db: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const cli = join(ROOT, "packages/cli/src/cli.ts");
  const child = spawn(
    process.execPath,
    ["--conditions=@pursuit/source", "--import", TSX_LOADER.href, cli, "serve", "--port", "0", "--db", db],
    { cwd: directory, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PURSUIT_SERVER_PASSWORD: "" } },
  );
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const url = await new Promise<string>((found, fail) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/listening on (http:\/\/\S+)/);
      if (match?.[1]) found(match[1]);
    });
    child.on("exit", (code) => fail(new Error(`pursuit serve exited (${code}) before listening:\n${errors}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

async function pausedGoalSession(url: string): Promise<string> {
  const json = { "content-type": "application/json" };
  const session = (await (await fetch(`${url}/session`, { method: "POST", headers: json, body: "{}" })).json()) as {
    id: string;
  };
  await fetch(`${url}/session/${session.id}/goal`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ objective: "benchmark goal" }),
  });
  await fetch(`${url}/session/${session.id}/goal`, {
    method: "PATCH",
    headers: json,
    body: JSON.stringify({ status: "paused" }),
  });
  return session.id;
}

async function waitIdle(url: string): Promise<void> {
  for (;;) {
    const busy = (await (await fetch(`${url}/session/status`)).json()) as Record<string, unknown>;
    if (Object.keys(busy).length === 0) return;
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

type LoadResult = { perSecond: number; p50: number; p99: number; errors: number };

/** `clients` loops, each sending its next request as soon as the previous answer is read. */
async function load(
  clients: number,
  seconds: number,
  send: (client: number) => Promise<Response>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const response = await send(client);
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (!response.ok) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
  };
}

/** Per goal change: milliseconds from sending the PATCH until the last of `subscribers` has read the event. */
async function sseFanout(url: string, sessionID: string, subscribers: number, rounds: number): Promise<number[]> {
  const controller = new AbortController();
  const waiting = new Map<string, { left: number; done: () => void }>();
  const seen = (marker: string) => {
    const entry = waiting.get(marker);
    if (entry && --entry.left === 0) entry.done();
  };
  let connected = 0;
  await new Promise<void>((allConnected) => {
    for (let i = 0; i < subscribers; i++) {
      void (async () => {
        const response = await fetch(`${url}/event`, { signal: controller.signal });
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        const decoder = new TextDecoder();
        let tail = "";
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            const text = tail + decoder.decode(value, { stream: true });
            if (text.includes("server.connected") && ++connected === subscribers) allConnected();
            for (const match of text.matchAll(/fanout-(\d+)-mark/g)) seen(match[0]);
            tail = text.slice(-32);
          }
        } catch {
          // aborted at the end
        }
      })();
    }
  });
  const timings: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const marker = `fanout-${round}-mark`;
    const reached = new Promise<void>((done) => waiting.set(marker, { left: subscribers, done }));
    const t0 = performance.now();
    await fetch(`${url}/session/${sessionID}/goal`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ objective: `benchmark goal ${marker}` }),
    });
    await reached;
    timings.push(performance.now() - t0);
  }
  controller.abort();
  return timings.sort((a, b) => a - b);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
