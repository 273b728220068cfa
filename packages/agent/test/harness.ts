import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock, Goal } from "@pursuit/core";
import type { GoalContinuation, WebhookRetryPolicy } from "@pursuit/driver";
import { type Behaviour, type ScriptedModel, startScriptedModel } from "@pursuit/testkit";
import type { GoalConfig, ModelConfig, PursuitConfig } from "../src/config/config-schema.js";
import type { RuntimeEvent } from "../src/events.js";
import { createRuntime, type Runtime } from "../src/runtime.js";

export type HarnessOptions = {
  behaviour: Behaviour;
  latencyMs?: number;
  goal?: GoalConfig;
  config?: Partial<PursuitConfig>;
  /** The runtime's environment (default process.env). */
  env?: Record<string, string | undefined>;
  /** The scripted model's context window, enforced with the provider's error (default: none). */
  modelWindow?: number;
  /** pursuit.json's settings of the scripted model (its window, prices...). */
  modelSettings?: ModelConfig;
  /** Webhook retry timing, shortened (kept across a restart). */
  webhookRetry?: Partial<WebhookRetryPolicy>;
  /** The runtime's clock (default the system's). */
  clock?: Clock;
};

/**
 * A real runtime on a real SQLite file in a temp dir, talking over HTTP to the testkit's scripted model.
 * Backoffs are shortened through configuration so whole goal runs take a fraction of a second.
 */
export class Harness {
  readonly events: RuntimeEvent[] = [];
  private unsubscribe?: () => void;

  private constructor(
    readonly root: string,
    readonly workdir: string,
    readonly database: string,
    readonly model: ScriptedModel,
    readonly config: PursuitConfig,
    public runtime: Runtime,
    private readonly webhookRetry: Partial<WebhookRetryPolicy> | undefined,
  ) {
    this.listen();
  }

  static async start(options: HarnessOptions): Promise<Harness> {
    const root = mkdtempSync(join(tmpdir(), "pursuit-agent-"));
    const workdir = join(root, "work");
    mkdirSync(workdir);
    const model = await startScriptedModel({
      behaviour: options.behaviour,
      latencyMs: options.latencyMs ?? 0,
      ...(options.modelWindow !== undefined ? { contextWindow: options.modelWindow } : {}),
    });
    const config: PursuitConfig = {
      model: "test/scripted",
      provider: {
        test: {
          type: "openai-compatible",
          baseURL: model.url,
          apiKey: "test-key",
          ...(options.modelSettings ? { models: { scripted: options.modelSettings } } : {}),
        },
      },
      goal: { backoffBaseMs: 100, backoffMaxMs: 2_000, ...options.goal },
      ...options.config,
      // Retries inside a turn wait 50-100 ms first (Retry-After still wins) and give up after 1 s.
      agent: { retry: { windowMs: 1_000, baseDelayMs: 100, maxDelayMs: 400 }, ...options.config?.agent },
    };
    const database = join(root, "pursuit.db");
    const runtime = await createRuntime({
      database,
      config,
      directory: workdir,
      ...(options.env ? { env: options.env } : {}),
      ...(options.webhookRetry ? { webhookRetry: options.webhookRetry } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    return new Harness(root, workdir, database, model, config, runtime, options.webhookRetry);
  }

  private listen(): void {
    this.unsubscribe = this.runtime.subscribe((event) => this.events.push(event));
  }

  /** Closes the runtime and opens a new one on the same database (a restart). */
  async restart(beforeReopen?: () => Promise<unknown>): Promise<void> {
    this.unsubscribe?.();
    await this.runtime.close();
    await beforeReopen?.();
    this.runtime = await createRuntime({
      database: this.database,
      config: this.config,
      directory: this.workdir,
      ...(this.webhookRetry ? { webhookRetry: this.webhookRetry } : {}),
    });
    this.listen();
  }

  async session(): Promise<string> {
    return (await this.runtime.sessions.create()).id;
  }

  /** Resolves with the goal once `predicate` holds (checked on every goal event), or fails after `timeoutMs`. */
  waitForGoal(sessionID: string, predicate: (goal: Goal) => boolean, timeoutMs = 15_000): Promise<Goal> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const check = async () => {
        const goal = await this.runtime.goals.get(sessionID).catch(() => undefined);
        if (!settled && goal && predicate(goal)) {
          settled = true;
          clearTimeout(timer);
          unsubscribe();
          resolve(goal);
        }
      };
      const unsubscribe = this.runtime.subscribe((event) => {
        if (event.type.startsWith("session.goal.")) void check();
      });
      const timer = setTimeout(async () => {
        if (settled) return;
        settled = true;
        unsubscribe();
        const goal = await this.runtime.goals.get(sessionID).catch(() => undefined);
        reject(new Error(`goal condition not met in ${timeoutMs} ms; goal is ${JSON.stringify(goal)}`));
      }, timeoutMs);
      void check();
    });
  }

  /**
   * Resolves once no turn runs and no continuation is scheduled or being started (asked of the runtime's
   * driver): from then on nothing continues unless someone acts. A goal that keeps going fails it.
   */
  async settle(timeoutMs = 15_000): Promise<void> {
    await waitFor(() => this.runtime.quiet(), timeoutMs, "no turn running and nothing scheduled");
  }

  /** Resolves once the session's next step (running, scheduled, starting, none) is `state`. */
  async waitForContinuation(sessionID: string, state: GoalContinuation["state"], timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.runtime.goals.continuation(sessionID)).state !== state) {
      if (Date.now() > deadline) throw new Error(`no continuation in state ${state} after ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.runtime.close();
    await this.model.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` every 10 ms until it returns something truthy. */
export async function waitFor<T>(
  predicate: () => T | undefined | null | false,
  timeoutMs = 10_000,
  what = "a condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
