import { setTimeout as sleep } from "node:timers/promises";
import { createOpencodeClient, type OpencodeClient } from "@opencode-ai/sdk";
import type { OpencodeProject } from "./create-opencode-project.js";
import { freePort } from "./free-port.js";
import { opencodeBinary } from "./opencode-paths.js";
import { type GroupProcess, spawnGroup } from "./process-group.js";
import { withStartLock } from "./start-lock.js";

export interface StartOpencodeServeOptions {
  /** Default: a free port picked by the OS. */
  port?: number;
  /** How long one start may take until the server answers (default 45 s); one whole restart follows a miss. */
  readyTimeoutMs?: number;
  /** Pause after "listening on" before the first probe (default 2 s; probing earlier made starts hang). */
  settleMs?: number;
  /** Per-probe request timeout (default 5 s). */
  probeTimeoutMs?: number;
  /** `--log-level` (default INFO). Logs go to the harness log through `--print-logs`. */
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
  /** Extra environment variables over the project's. */
  env?: Record<string, string>;
  /** Default true: start one OpenCode at a time across processes (see withStartLock). */
  serializeStart?: boolean;
}

export interface OpencodeServe {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  port: number;
  /** The v1 SDK client (the one plugins receive as `ctx.client`), bound to this server and project. */
  client: OpencodeClient;
  pid: number;
  /** Sends `signal` (default SIGTERM) to the process group, SIGKILLs whatever is left after 5 s. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILLs the process group at once. */
  kill(): Promise<void>;
  /** stdout + stderr (with `--print-logs`) of the current process, and of a failed first attempt if any. */
  logs(): string;
  /** Milliseconds from spawn to the first answered probe of the successful attempt. */
  startupMs: number;
  /** Milliseconds from spawn to "listening on" of the successful attempt. */
  listeningMs: number;
  /** 1, or 2 when the first start did not become ready and was retried. */
  attempts: number;
}

const LISTENING = /listening on (http:\/\/\S+)/;

async function probe(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(`${url}/config`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

async function attemptStart(
  project: OpencodeProject,
  options: StartOpencodeServeOptions,
): Promise<{ process: GroupProcess; url: string; port: number; startupMs: number; listeningMs: number }> {
  const port = options.port ?? (await freePort());
  const readyTimeoutMs = options.readyTimeoutMs ?? 45_000;
  const started = Date.now();
  const args = ["serve", "--port", String(port), "--hostname", "127.0.0.1", "--print-logs"];
  args.push("--log-level", options.logLevel ?? "INFO");
  const child = spawnGroup(opencodeBinary(), args, { cwd: project.dir, env: { ...project.env, ...options.env } });
  try {
    const line = await child.waitForLine(LISTENING, readyTimeoutMs);
    const url = (LISTENING.exec(line)?.[1] ?? `http://127.0.0.1:${port}`).replace(/\/$/, "");
    const listeningMs = Date.now() - started;
    await sleep(options.settleMs ?? 2_000);
    while (Date.now() - started < readyTimeoutMs) {
      if (child.exited()) throw new Error(`opencode serve exited with code ${child.child.exitCode}`);
      if (await probe(url, options.probeTimeoutMs ?? 5_000)) {
        const startupMs = Date.now() - started;
        return { process: child, url, port: Number(new URL(url).port), startupMs, listeningMs };
      }
      await sleep(250);
    }
    throw new Error(`opencode serve did not answer within ${readyTimeoutMs} ms`);
  } catch (error) {
    await child.stop("SIGKILL");
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartError(reason, child.output());
  }
}

class StartError extends Error {
  constructor(
    message: string,
    readonly logs: string,
  ) {
    super(message);
  }
}

/**
 * Starts `opencode serve` on 127.0.0.1 for `project` in its own process group, waits until it answers, and
 * retries the whole start once if it does not (OpenCode 1.18.33 occasionally never finishes its first request).
 */
export async function startOpencodeServe(
  project: OpencodeProject,
  options: StartOpencodeServeOptions = {},
): Promise<OpencodeServe> {
  let earlierLogs = "";
  let attempts = 0;
  const startWithRetry = async () => {
    for (;;) {
      attempts++;
      try {
        return await attemptStart(project, options);
      } catch (error) {
        const logs = error instanceof StartError ? error.logs : "";
        earlierLogs += `--- start attempt ${attempts} failed: ${(error as Error).message}\n${logs}\n`;
        if (attempts >= 2) throw new Error(`opencode serve failed to start twice:\n${tail(earlierLogs, 8_000)}`);
        console.warn(`opencode serve start attempt ${attempts} failed (${(error as Error).message}); retrying`);
      }
    }
  };
  const started = (options.serializeStart ?? true) ? await withStartLock(startWithRetry) : await startWithRetry();
  const { process: child, url, port, startupMs, listeningMs } = started;
  const client = createOpencodeClient({ baseUrl: url, directory: project.dir });
  return {
    url,
    port,
    client,
    pid: child.pid,
    startupMs,
    listeningMs,
    attempts,
    stop: (signal = "SIGTERM") => child.stop(signal),
    kill: () => child.stop("SIGKILL", 0),
    logs: () => earlierLogs + child.output(),
  };
}

/** The last `chars` characters of `text`, for failure messages. */
export function tail(text: string, chars = 4_000): string {
  return text.length <= chars ? text : `…${text.slice(-chars)}`;
}
