import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Hooks, Plugin, PluginInput } from "@opencode-ai/plugin";
import { CeilingGuard, GoalEngine } from "@pursuit/core";
import { createShellVerifier, GoalQueueRunner, realTimers, WebhookDeliveries } from "@pursuit/driver";
import { createId, monotonicIds, openStore } from "@pursuit/store";
import { opencodeCommandDenied } from "./bash-permission.js";
import { clockFromEnv } from "./clock-from-env.js";
import { CompactionContext, type TransformMessage } from "./compaction-context.js";
import { type GoalApiParts, startGoalApi } from "./goal-api.js";
import { GoalEventHub } from "./goal-event-hub.js";
import { type OpencodeControl, OpencodeGoalHost } from "./goal-host.js";
import { goalToolDefinition, goalTools, RawGoalToolArguments } from "./goal-tools.js";
import { opencodePricing } from "./opencode-pricing.js";
import { parsePluginOptions } from "./plugin-options.js";

/** One run of a waiting goal's check command is killed after this long. */
const WAIT_CHECK_TIMEOUT_MS = 60_000;

/** Recovery waits until OpenCode finished starting, so its API accepts the continuation prompts. */
const RECOVER_DELAY_MS = 1500;

/** The server plugin: goal tools, accounting, continuation and the goal HTTP API inside `opencode serve`. */
export const pursuitServerPlugin: Plugin = async (input: PluginInput, rawOptions) => {
  const parsed = parsePluginOptions(rawOptions);
  if (!parsed.ok) throw new Error(parsed.error);
  const options = parsed.value;
  if (options.db !== ":memory:") mkdirSync(dirname(options.db), { recursive: true });
  const store = await openStore({ path: options.db });
  const clock = clockFromEnv();
  const log = (message: string) => console.error(`[opencode-pursuit] ${message}`);
  const goalEvents = new GoalEventHub(log);
  const webhooks = new WebhookDeliveries({
    store: store.webhookDeliveries,
    targets: options.webhooks,
    ids: () => createId("whd"),
    clock,
    onError: log,
  });
  const ceilings = new CeilingGuard({ ceilings: options.spendCeilings, spend: store.goals, now: () => clock.now() });
  const engine = new GoalEngine({
    store: store.goals,
    clock,
    ceilings,
    ids: monotonicIds,
    verify: createShellVerifier({ directoryOf: () => input.directory }),
    // A waiting goal's check: run by the plugin itself (no model call), in the project's directory.
    waitChecks: createShellVerifier({ directoryOf: () => input.directory, timeoutMs: WAIT_CHECK_TIMEOUT_MS }),
    // ...under OpenCode's own bash permission rules, as the model's bash tool is.
    commandDenied: opencodeCommandDenied(input.client, log),
    policy: options.policy,
    defaultLimits: options.limits,
    pricing: opencodePricing(input.client, log),
    events: goalEvents,
    onCommitted: (sessionID, change) => {
      webhooks.onCommitted(sessionID, change);
      queue.onCommitted(sessionID, change);
    },
  });
  webhooks.recordAttemptsIn(engine);
  const host = new OpencodeGoalHost(engine, opencodeControl(input), clock, log, realTimers, {
    streamIdleTimeoutMs: options.streamIdleTimeoutMs,
  });
  // A completed goal makes way for the session's next queued goal, set as a person's new goal is.
  const queue = new GoalQueueRunner({
    store: store.goalQueue,
    ids: () => createId("que"),
    clock,
    current: (sessionID) => engine.getGoal(sessionID),
    start: (sessionID, goal) => host.createGoal(sessionID, goal),
    onError: log,
  });
  const served = { host, queue, ceilings, goalEvents, client: input.client };
  const api = options.port === null ? undefined : await startApi(served, options.port, log);
  if (api && options.db !== ":memory:") {
    // Where `pursuit goal --url` and the SDK find this OpenCode's goal API.
    writeFileSync(
      join(dirname(options.db), "api.json"),
      `${JSON.stringify({ url: api.url, directory: input.directory, pid: process.pid })}\n`,
    );
  }
  // Webhook bodies link to the goal's page in the web app this API serves.
  webhooks.setWebAppURL(api?.url);
  await webhooks.start();
  const recovery = setTimeout(() => {
    host.recover().catch((error) => log(`recovery failed: ${String(error)}`));
  }, RECOVER_DELAY_MS);

  const rawArguments = new RawGoalToolArguments();
  const compactionContext = new CompactionContext(engine);
  const hooks: Hooks = {
    tool: goalTools((sessionID) => host.goalTurn(sessionID), rawArguments),
    "tool.execute.before": async ({ tool, sessionID }, output) => {
      rawArguments.remember(sessionID, tool, output.args);
    },
    // OpenCode takes a replacement JSON schema through `jsonSchema` (leaving `parameters`, its zod form, alone).
    "tool.definition": async ({ toolID }, output) => {
      const definition = goalToolDefinition(toolID);
      if (definition) {
        output.description = definition.description;
        (output as { jsonSchema?: unknown }).jsonSchema = definition.parameters;
      }
      host.promptSize.tool(toolID, output.description);
    },
    // `/goal <objective>` in the TUI or through OpenCode's command API (the bare `/goal` menu is the TUI plugin's).
    config: async (config) => {
      const withCommands = config as { command?: Record<string, unknown> };
      withCommands.command ??= {};
      withCommands.command.goal ??= {
        description: "Set this session's goal and start on it: /goal <objective>",
        template: "$ARGUMENTS",
      };
    },
    "command.execute.before": async ({ command, sessionID, arguments: args }, output) => {
      if (command !== "goal") return;
      if (args.trim() === "")
        throw new Error("usage: /goal <objective> (the goal menu is /goal with nothing after it)");
      const text = await host.goalFromCommand(sessionID, args);
      output.parts.splice(0, output.parts.length, {
        type: "text",
        text,
        synthetic: true,
      } as (typeof output.parts)[number]);
    },
    event: async ({ event }) => {
      await host.handleEvent(event);
    },
    "chat.params": async ({ sessionID, model }, output) => {
      await host.beforeModelRequest(sessionID, output, pricesOf(model));
    },
    // OpenCode compacts by itself: its summary keeps the objective, and the turn after it is a goal
    // continuation carrying the goal context (not OpenCode's generic "Continue if you have next steps").
    "experimental.session.compacting": async ({ sessionID }, output) => {
      const context = await host.compactionContext(sessionID);
      if (context) output.context.push(context);
    },
    "experimental.compaction.autocontinue": async ({ sessionID }, output) => {
      if (!(await host.autoContinueAfterCompaction(sessionID))) output.enabled = false;
    },
    "experimental.chat.messages.transform": async (_input, output) => {
      const messages = output.messages as unknown as TransformMessage[];
      await compactionContext.transform(messages);
      const sessionID = messages[0]?.info.sessionID;
      if (sessionID) host.messagesBeforeRequest(sessionID, messages);
    },
    "experimental.chat.system.transform": async ({ sessionID }, output) => {
      host.promptSize.system(sessionID, output.system);
    },
    "chat.message": async ({ sessionID }, output) => {
      const userText = output.parts.map((part) => (part.type === "text" ? part.text : "")).join("\n");
      const text = host.takeContextForUserMessage(sessionID, userText);
      if (!text) return;
      output.parts.push({
        id: partID(),
        sessionID,
        messageID: output.message.id,
        type: "text",
        text,
        synthetic: true,
      });
    },
    dispose: async () => {
      clearTimeout(recovery);
      await queue.settled();
      await host.close();
      await api?.close();
      await webhooks.close();
      store.close();
    },
  };
  return hooks;
};

/** The configured port, or any free one when it is taken (several OpenCode servers can run at once). */
async function startApi(
  served: GoalApiParts,
  port: number,
  log: (message: string) => void,
): Promise<Awaited<ReturnType<typeof startGoalApi>>> {
  try {
    const api = await startGoalApi(served, port);
    log(`goal API listening on ${api.url}`);
    return api;
  } catch (error) {
    if (port === 0 || (error as { code?: string }).code !== "EADDRINUSE") throw error;
    log(`port ${port} is taken; the goal API uses a free port instead`);
    return startApi(served, 0, log);
  }
}

function opencodeControl(input: PluginInput): OpencodeControl {
  const client = input.client;
  return {
    async promptAsync(sessionID, text) {
      const response = await client.session.promptAsync({
        path: { id: sessionID },
        body: { parts: [{ type: "text", text, synthetic: true }] },
      });
      if (response.error) throw new Error(`promptAsync: ${JSON.stringify(response.error)}`);
    },
    async abort(sessionID) {
      await client.session.abort({ path: { id: sessionID } });
    },
    async busySessions() {
      const response = await client.session.status();
      const statuses = (response.data ?? {}) as Record<string, { type: string }>;
      return new Set(
        Object.entries(statuses)
          .filter(([, status]) => status.type !== "idle")
          .map(([id]) => id),
      );
    },
  };
}

let partCounter = 0;
/** OpenCode part ids sort by time: "prt_" + hex milliseconds and a counter, then random characters. */
function partID(): string {
  const time = (Date.now() * 0x1000 + (++partCounter % 0x1000)).toString(16).padStart(12, "0");
  return `prt_${time}${Math.random().toString(36).slice(2, 16).padEnd(14, "0")}`;
}

/** OpenCode's model prices (dollars per million tokens), when it knows them: a price of zero means unknown. */
function pricesOf(model: { cost?: { input?: number; output?: number; cache?: { read?: number; write?: number } } }) {
  const cost = model.cost;
  if (!cost || !(typeof cost.output === "number" && cost.output > 0)) return undefined;
  return {
    input: cost.input ?? 0,
    output: cost.output,
    ...(cost.cache?.read ? { cacheRead: cost.cache.read } : {}),
    ...(cost.cache?.write ? { cacheWrite: cost.cache.write } : {}),
  };
}
