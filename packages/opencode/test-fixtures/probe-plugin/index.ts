import { appendFileSync } from "node:fs";
import { type Plugin, type PluginModule, tool } from "@opencode-ai/plugin";

/**
 * Options (opencode.json: `["/abs/path/probe-plugin", {logFile, continueText?, continueTimes?}]`):
 * - logFile: where every hook call is appended as one JSON line `{hook, at, ...}`;
 * - continueText / continueTimes: on `session.idle`, send `continueText` as a synthetic user part through
 *   `client.session.promptAsync`, at most `continueTimes` times per session (default 0);
 * - commandName: adds a slash command of that name through the `config` hook (template `probe command:
 *   $ARGUMENTS`); `command.execute.before` records its arguments.
 */
interface ProbeOptions {
  logFile: string;
  continueText?: string;
  continueTimes?: number;
  commandName?: string;
}

function readOptions(options: Record<string, unknown> | undefined): ProbeOptions {
  const logFile = options?.logFile;
  if (typeof logFile !== "string") throw new Error("probe-plugin: option logFile (string) is required");
  const continueText = typeof options?.continueText === "string" ? options.continueText : undefined;
  const continueTimes = typeof options?.continueTimes === "number" ? options.continueTimes : 0;
  const commandName = typeof options?.commandName === "string" ? options.commandName : undefined;
  return { logFile, ...(continueText ? { continueText } : {}), continueTimes, ...(commandName ? { commandName } : {}) };
}

const server: Plugin = async (ctx, rawOptions) => {
  const options = readOptions(rawOptions);
  const record = (hook: string, data: Record<string, unknown>) =>
    appendFileSync(options.logFile, `${JSON.stringify({ hook, at: Date.now(), ...data })}\n`);
  const continuations = new Map<string, number>();

  record("init", {
    directory: ctx.directory,
    worktree: ctx.worktree,
    serverUrl: String(ctx.serverUrl),
    options: rawOptions ?? null,
    bun: process.versions.bun ?? null,
  });

  const continueSession = async (sessionID: string) => {
    const done = continuations.get(sessionID) ?? 0;
    if (!options.continueText || done >= (options.continueTimes ?? 0)) return;
    continuations.set(sessionID, done + 1);
    const result = await ctx.client.session.promptAsync({
      path: { id: sessionID },
      body: { parts: [{ type: "text", text: options.continueText, synthetic: true }] },
    });
    record("continued", { sessionID, status: result.response.status });
  };

  return {
    tool: {
      probe_echo: tool({
        description: "Echoes its text argument back (test probe).",
        args: { text: tool.schema.string().describe("text to echo") },
        async execute(args, context) {
          record("tool.probe_echo", { sessionID: context.sessionID, args });
          return `probe says: ${args.text}`;
        },
      }),
    },
    async event({ event }) {
      record("event", { type: event.type, properties: event.properties });
      if (event.type === "session.idle") {
        continueSession(event.properties.sessionID).catch((error: unknown) =>
          record("continue.error", { message: String(error) }),
        );
      }
    },
    async "chat.params"(input, output) {
      record("chat.params", {
        // Only the small, stable fields: `model` and `provider` are large (and `provider` differs from its
        // declared type in 1.18.33), so their keys are recorded instead.
        input: {
          sessionID: input.sessionID,
          agent: input.agent,
          modelID: input.model?.id,
          modelKeys: Object.keys(input.model ?? {}),
          providerKeys: Object.keys(input.provider ?? {}),
          messageID: input.message?.id,
        },
        output: { maxOutputTokens: output.maxOutputTokens, temperature: output.temperature },
      });
    },
    async config(config) {
      if (!options.commandName) return;
      config.command ??= {};
      config.command[options.commandName] = { description: "Probe command", template: "probe command: $ARGUMENTS" };
    },
    async "command.execute.before"(input, output) {
      record("command.execute.before", { input, parts: output.parts });
    },
    async "chat.message"(input, output) {
      record("chat.message", { input, message: output.message, parts: output.parts });
    },
  };
};

const probePlugin: PluginModule & { id: string } = { id: "probe-plugin", server };
export default probePlugin;
