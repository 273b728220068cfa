#!/usr/bin/env node
import { parseArgs } from "node:util";
import { demoBehaviour } from "./demo-behaviour.js";
import { startScriptedModel } from "./scripted-model.js";

const usage = `Usage: pursuit-testkit [--port N] [--latency MS] [--chunk-delay MS]

Starts a scripted OpenAI-compatible model on 127.0.0.1 running the demo behaviour (writes the files named in
the prompt with the client's "write" tool, then calls "update_goal" complete) and prints its base URL.`;

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    console.error(`--${name} must be a whole number >= 0, got "${value}"`);
    process.exit(2);
  }
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      latency: { type: "string" },
      "chunk-delay": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = numberOption(values.port, "port");
  const latencyMs = numberOption(values.latency, "latency");
  const chunkDelayMs = numberOption(values["chunk-delay"], "chunk-delay");
  const model = await startScriptedModel({
    behaviour: demoBehaviour,
    ...(port !== undefined ? { port } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(chunkDelayMs !== undefined ? { chunkDelayMs } : {}),
  });
  console.log(model.url);
  const stop = () => {
    model.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
