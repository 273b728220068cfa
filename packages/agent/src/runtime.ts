import {
  CeilingGuard,
  type Clock,
  type GoalInput as CoreGoalInput,
  err,
  type Goal,
  GoalEngine,
  type GoalHistoryEntry,
  type GoalPatch,
  type GoalPolicy,
  type GoalRefusal,
  type GoalStatus,
  type QueuedGoal,
  type Result,
  type SpendReport,
} from "@pursuit/core";
import {
  createShellVerifier,
  DEFAULT_RETRY_POLICY,
  type GoalContinuation,
  GoalQueueRunner,
  WebhookDeliveries,
  type WebhookRetryPolicy,
  waitingContinuation,
} from "@pursuit/driver";
import { createId, monotonicIds, openStoreAt, type Session } from "@pursuit/store";
import type { LanguageModel } from "ai";
import type { PursuitConfig } from "./config/config-schema.js";
import { loadConfig } from "./config/load-config.js";
import { EventBus, type MessageWithParts, type RuntimeEvent, type SessionStatus } from "./events.js";
import { DEFAULT_BASH_DENY, PermissionPolicy } from "./permissions.js";
import { ModelResolver } from "./providers.js";
import { EventRelay } from "./replicas/event-relay.js";
import { actOnRemoteEvent } from "./replicas/remote-events.js";
import { LeaseKeeper, type ReplicaOptions, replicaName } from "./replicas/session-leases.js";
import { SessionManager, SessionNotFoundError } from "./session-manager.js";
import { ToolRegistry } from "./tools/tool-registry.js";
import { TranscriptWriter } from "./transcript-writer.js";
import { TurnRunner } from "./turn-runner.js";

export type RuntimeOptions = {
  /**
   * Where goals and transcripts live: a SQLite file (":memory:" allowed) or a `postgres://` URL; default the
   * SQLite file of @pursuit/store (XDG data dir).
   */
  database?: string;
  /** On a database replicas share (PostgreSQL): how this replica leases sessions. */
  replica?: ReplicaOptions;
  /** Loaded configuration; default: loadConfig(directory). */
  config?: PursuitConfig;
  /** Default working directory for new sessions (default: the process's working directory). */
  directory?: string;
  /** Tests may inject a language model factory instead of configured providers. */
  model?: (modelRef: string) => LanguageModel;
  clock?: Clock;
  /** Resume active goals of idle sessions at start (default true). */
  recover?: boolean;
  /** Environment for API keys (default process.env). */
  env?: Record<string, string | undefined>;
  /** Tests shorten the webhook retry timing. */
  webhookRetry?: Partial<WebhookRetryPolicy>;
};

/** A new goal as a caller gives it; the engine checks every field. */
export type GoalInput = CoreGoalInput;

export interface Runtime {
  readonly engine: GoalEngine;
  sessions: {
    create(input?: { title?: string; directory?: string }): Promise<Session>;
    get(id: string): Promise<Session | undefined>;
    list(): Promise<Session[]>;
    delete(id: string): Promise<boolean>;
    messages(id: string): Promise<MessageWithParts[]>;
  };
  /** Sends a user message and resolves when the turn that handles it ends (with the last assistant message). */
  prompt(sessionID: string, input: { text: string; model?: string }): Promise<MessageWithParts>;
  /** Same, but returns once the message is stored (the turn runs in the background). */
  promptAsync(sessionID: string, input: { text: string; model?: string }): Promise<void>;
  /** Stops the running turn (stream and tools) at once, cancels any scheduled continuation, pauses an active goal. */
  abort(sessionID: string): Promise<boolean>;
  /** Non-idle sessions only. */
  status(): Record<string, SessionStatus>;
  /** No turn is running and no continuation is scheduled or being started, in any session. */
  quiet(): boolean;
  goals: {
    get(sessionID: string): Promise<Goal | undefined>;
    create(sessionID: string, input: GoalInput): Promise<Result<Goal, GoalRefusal>>;
    update(sessionID: string, patch: GoalPatch): Promise<Result<Goal, GoalRefusal>>;
    clear(sessionID: string): Promise<Result<{ cleared: true }, GoalRefusal>>;
    history(sessionID: string): Promise<GoalHistoryEntry[]>;
    list(filter?: { status?: GoalStatus }): Promise<Goal[]>;
    /** What happens next in the session without anyone acting (a turn runs, a continuation is due, nothing). */
    continuation(sessionID: string): Promise<GoalContinuation>;
    /** The session's queue of next goals: the next starts when the goal completes (or at once, with none). */
    queue: {
      list(sessionID: string): Promise<QueuedGoal[]>;
      add(sessionID: string, input: GoalInput): Promise<Result<QueuedGoal[], GoalRefusal>>;
      order(sessionID: string, ids: readonly string[]): Promise<Result<QueuedGoal[], GoalRefusal>>;
      drop(sessionID: string, id: string): Promise<Result<QueuedGoal[], GoalRefusal>>;
      /** The session's goal completed and its next queued goal is being set. */
      advancing(sessionID: string): boolean;
    };
  };
  /** Where the web app is served (set by `pursuit serve` once it listens), for the links webhooks send. */
  setWebAppURL(url: string | undefined): void;
  /** Spend across all goals per window (UTC day and week), against the configured ceilings. */
  spend(): Promise<SpendReport>;
  /** Waits up to `timeoutMs` for webhook deliveries to be made; returns how many are left for a later start. */
  flushWebhooks(timeoutMs: number): Promise<number>;
  /** Every event of the runtime, in order. Returns an unsubscribe function. */
  subscribe(listener: (event: RuntimeEvent) => void): () => void;
  /** Stops running turns (goals stay active for the next start), clears timers, closes the database. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_STEPS_PER_TURN = 50;
export const DEFAULT_BASH_TIMEOUT_MS = 120_000;
export const DEFAULT_BASH_OUTPUT_BYTES = 30_000;
export const DEFAULT_WAIT_CHECK_TIMEOUT_MS = 60_000;

const systemClock: Clock = { now: () => Date.now() };

/** Opens the store, wires the goal engine into the model loop, and resumes active goals. */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const directory = options.directory ?? process.cwd();
  const config = options.config ?? (await loadConfig(directory, options.env ? { env: options.env } : {}));
  const clock = options.clock ?? systemClock;
  const store = await openStoreAt(options.database, { now: () => clock.now() });
  const bus = new EventBus();
  const goalConfig = config.goal ?? {};
  const { limits: defaultLimits, verifyTimeoutMs, waitCheckTimeoutMs, ...policy } = goalConfig;
  const directoryOf = async (sessionID: string) => (await store.sessions.getSession(sessionID))?.directory;
  const verify = createShellVerifier({ directoryOf, ...(verifyTimeoutMs ? { timeoutMs: verifyTimeoutMs } : {}) });
  const waitChecks = createShellVerifier({
    directoryOf,
    timeoutMs: waitCheckTimeoutMs ?? DEFAULT_WAIT_CHECK_TIMEOUT_MS,
  });
  const bash = config.tools?.bash ?? {};
  const permissions = new PermissionPolicy(bash.deny ?? DEFAULT_BASH_DENY);
  const models = new ModelResolver(config, options.env ?? process.env, options.model);
  const webhooks = new WebhookDeliveries({
    store: store.webhookDeliveries,
    targets: config.webhooks ?? [],
    ids: () => createId("whd"),
    clock,
    ...(options.webhookRetry ? { retry: options.webhookRetry } : {}),
    onError: (message) => console.error(`pursuit: ${message}`),
  });
  // A completed goal makes way for the session's next queued goal, set as a person's new goal is (runtime.goals).
  const queue = new GoalQueueRunner({
    store: store.goalQueue,
    ids: () => createId("que"),
    clock,
    current: (sessionID) => store.goals.get(sessionID),
    start: (sessionID, input) => runtime.goals.create(sessionID, input),
    onError: (message) => console.error(`pursuit: ${message}`),
  });
  const ceilings = new CeilingGuard({
    ceilings: config.spendCeilings ?? {},
    spend: store.goals,
    now: () => clock.now(),
  });
  const engine = new GoalEngine({
    store: store.goals,
    clock,
    ceilings,
    ids: monotonicIds,
    events: bus,
    onCommitted: (sessionID, change) => {
      webhooks.onCommitted(sessionID, change);
      queue.onCommitted(sessionID, change);
    },
    verify,
    waitChecks,
    // A wait's check runs under the same rules as the model's bash tool.
    commandDenied: (_sessionID, command) => {
      const allowed = permissions.checkCommand(command);
      return allowed.ok ? undefined : allowed.error;
    },
    policy: policy as Partial<GoalPolicy>,
    ...(defaultLimits ? { defaultLimits } : {}),
    pricing: {
      async unpriced(sessionID) {
        const model = (await store.sessions.getSession(sessionID))?.metadata.model;
        return models.unpriced(typeof model === "string" ? model : undefined);
      },
    },
  });
  webhooks.recordAttemptsIn(engine);
  const writer = new TranscriptWriter(store, bus, () => clock.now());
  let manager: SessionManager | undefined;
  const runner = new TurnRunner({
    store,
    engine,
    bus,
    writer,
    tools: new ToolRegistry(),
    models,
    permissions,
    settings: {
      maxStepsPerTurn: config.agent?.maxStepsPerTurn ?? DEFAULT_MAX_STEPS_PER_TURN,
      retry: { ...DEFAULT_RETRY_POLICY, ...config.agent?.retry },
      bash: {
        timeoutMs: bash.timeoutMs ?? DEFAULT_BASH_TIMEOUT_MS,
        maxOutputBytes: bash.maxOutputBytes ?? DEFAULT_BASH_OUTPUT_BYTES,
      },
    },
    now: () => clock.now(),
    onGoalCreated: async (sessionID, goal) => manager?.titleFromGoal(sessionID, goal),
    onRetry: (sessionID, notice) => manager?.retrying(sessionID, notice),
  });
  const replica = replicaName();
  const keeper: LeaseKeeper | undefined = store.leases
    ? new LeaseKeeper({
        store: store.leases,
        holder: replica,
        ...(options.replica?.leaseTtlMs ? { ttlMs: options.replica.leaseTtlMs } : {}),
        ...(options.replica?.workspaceRoots ? { workspaceRoots: options.replica.workspaceRoots } : {}),
        taken: (sessionID): Promise<void> => sessions.takeOver(sessionID),
        lost: (sessionID) => sessions.handOver(sessionID),
        onError: (message) => console.error(`pursuit: ${message}`),
      })
    : undefined;
  const sessions = new SessionManager({
    store,
    engine,
    bus,
    writer,
    runner,
    clock,
    ...(keeper ? { leases: keeper } : {}),
  });
  manager = sessions;
  const onReplicaError = (message: string) => console.error(`pursuit: ${message}`);
  const relay = store.openEvents
    ? new EventRelay(await store.openEvents(replica, onReplicaError), bus, (event) => {
        actOnRemoteEvent(event, sessions).catch((error: unknown) =>
          onReplicaError(`acting on another replica's event: ${error}`),
        );
      })
    : undefined;
  relay?.start();

  const missing = (sessionID: string): { ok: false; error: GoalRefusal } =>
    err({ code: "not_found", message: `session ${sessionID} does not exist`, field: "sessionID" });
  let closed: Promise<void> | undefined;

  const runtime: Runtime = {
    engine,
    sessions: {
      async create(input = {}) {
        const info = await store.sessions.createSession({
          directory: input.directory ?? directory,
          ...(input.title !== undefined ? { title: input.title } : {}),
        });
        bus.emit({ type: "session.created", properties: { info } });
        return info;
      },
      get: (id) => store.sessions.getSession(id),
      list: () => store.sessions.listSessions(),
      async delete(id) {
        const result = await sessions.delete(id);
        for (const info of result.deleted) bus.emit({ type: "session.deleted", properties: { info } });
        for (const sessionID of result.clearedGoals) {
          bus.emit({ type: "session.goal.cleared", properties: { sessionID } });
        }
        return result.deleted.length > 0;
      },
      messages: (id) => store.messages.listMessages(id),
    },
    async prompt(sessionID, input) {
      const { answered } = await sessions.prompt(sessionID, input);
      const message = await answered;
      if (!message) throw new Error(`the turn of session ${sessionID} ended before the model answered`);
      return message;
    },
    async promptAsync(sessionID, input) {
      await sessions.prompt(sessionID, input);
    },
    abort: (sessionID) => sessions.abort(sessionID),
    status: () => sessions.status(),
    quiet: () => sessions.quiet(),
    goals: {
      get: (sessionID) => engine.getGoal(sessionID),
      async create(sessionID, input) {
        if (!(await store.sessions.getSession(sessionID))) return missing(sessionID);
        const result = await engine.createGoal(sessionID, input, "user");
        if (!result.ok) return result;
        await writer.appendContext(sessionID, result.value.append);
        await sessions.titleFromGoal(sessionID, result.value.goal);
        await sessions.goalChanged(sessionID, result.value.goal);
        return { ok: true, value: result.value.goal };
      },
      async update(sessionID, patch) {
        if (!(await store.sessions.getSession(sessionID))) return missing(sessionID);
        const result = await engine.updateGoal(sessionID, patch);
        if (!result.ok) return result;
        await writer.appendContext(sessionID, result.value.append);
        await sessions.goalChanged(sessionID, result.value.goal);
        return { ok: true, value: result.value.goal };
      },
      async clear(sessionID) {
        if (!(await store.sessions.getSession(sessionID))) return missing(sessionID);
        const result = await engine.clearGoal(sessionID);
        if (result.ok) await sessions.goalChanged(sessionID, null);
        return result;
      },
      history: (sessionID) => engine.history(sessionID),
      list: (filter) => engine.listGoals(filter),
      async continuation(sessionID) {
        const next = sessions.continuation(sessionID);
        if (next.state !== "none") return next;
        const goal = await engine.getGoal(sessionID);
        return goal?.status === "waiting" && goal.wait ? waitingContinuation(goal.wait) : next;
      },
      queue: {
        list: (sessionID) => queue.list(sessionID),
        async add(sessionID, input) {
          if (!(await store.sessions.getSession(sessionID))) return missing(sessionID);
          return queue.add(sessionID, input);
        },
        order: (sessionID, ids) => queue.order(sessionID, ids),
        drop: (sessionID, id) => queue.drop(sessionID, id),
        advancing: (sessionID) => queue.advancing(sessionID),
      },
    },
    setWebAppURL: (url) => webhooks.setWebAppURL(url),
    flushWebhooks: (timeoutMs) => webhooks.flush(timeoutMs),
    spend: () => ceilings.report(),
    subscribe: (listener) => bus.subscribe(listener),
    close() {
      closed ??= (async () => {
        await queue.settled();
        await sessions.close();
        await keeper?.close();
        await relay?.close();
        await webhooks.close();
        await store.close();
      })();
      return closed;
    },
  };

  await webhooks.start();
  // Replicas take the sessions no live replica holds (all of them, for the first to start); one process, all.
  if (keeper) await keeper.start({ adopt: options.recover !== false });
  else if (options.recover !== false) await sessions.recover();
  return runtime;
}

export { SessionNotFoundError };
