import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, jsonSchema, type ModelMessage, type ToolSet, tool } from "ai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDemoBehaviour, demoBehaviour, writeArgumentNames } from "./demo-behaviour.js";
import { type ScriptedModel, startScriptedModel } from "./scripted-model.js";

let workspace: string;
let server: ScriptedModel | undefined;
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "testkit-demo-"));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

function writeTool(directory: string, pathKey: "path" | "filePath") {
  return tool({
    description: "Write a file",
    inputSchema: jsonSchema<Record<string, string>>({
      type: "object",
      properties: { [pathKey]: { type: "string" }, content: { type: "string" } },
      required: [pathKey, "content"],
    }),
    execute: async (input) => {
      await writeFile(join(directory, input[pathKey] ?? "missing"), input.content ?? "");
      return "Wrote file successfully.";
    },
  });
}

/** A minimal agent loop: one model call per step, tools executed by the SDK, until the model answers in text. */
async function runLoop(model: ScriptedModel, prompt: string, tools: ToolSet, maxSteps = 10) {
  const provider = createOpenAICompatible({ name: "demo", baseURL: model.url, apiKey: "x", includeUsage: true });
  const messages: ModelMessage[] = [{ role: "user", content: prompt }];
  const calls: string[] = [];
  for (let step = 0; step < maxSteps; step++) {
    const result = await generateText({ model: provider.chatModel("scripted"), system: "Agent", messages, tools });
    messages.push(...result.response.messages);
    calls.push(...result.toolCalls.map((call) => call.toolName));
    if (result.finishReason !== "tool-calls") return { calls, finalText: result.text };
  }
  throw new Error("the demo behaviour did not finish");
}

describe("demoBehaviour", () => {
  it("writes the files named in the prompt one per step, then completes the goal", async () => {
    const directory = await mkdtemp(join(workspace, "pursuit-"));
    const goalUpdates: unknown[] = [];
    server = await startScriptedModel({ behaviour: demoBehaviour });
    const tools = {
      write: writeTool(directory, "path"),
      update_goal: tool({
        description: "Update the goal",
        inputSchema: jsonSchema<{ status: string; evidence: string }>({
          type: "object",
          properties: { status: { type: "string" }, evidence: { type: "string" } },
        }),
        execute: async (input) => {
          goalUpdates.push(input);
          return "Goal complete.";
        },
      }),
    };
    const run = await runLoop(server, "Create alpha.txt, beta.md and gamma.json please.", tools);

    expect(run.calls).toEqual(["write", "write", "write", "update_goal"]);
    expect((await readdir(directory)).sort()).toEqual(["alpha.txt", "beta.md", "gamma.json"]);
    expect(await readFile(join(directory, "beta.md"), "utf8")).toContain("beta.md");
    expect(goalUpdates).toEqual([{ status: "complete", evidence: "Wrote alpha.txt, beta.md, gamma.json." }]);
    expect(run.finalText).toContain("Done.");
    expect(server.prefixReuse().minReuse).toBe(1);
  });

  it("uses OpenCode's filePath argument and the default files, and answers text without update_goal", async () => {
    const directory = await mkdtemp(join(workspace, "opencode-"));
    server = await startScriptedModel({ behaviour: createDemoBehaviour({ defaultFiles: ["one.txt", "two.txt"] }) });
    const run = await runLoop(server, "Do some work.", { write: writeTool(directory, "filePath") });

    expect(run.calls).toEqual(["write", "write"]);
    expect((await readdir(directory)).sort()).toEqual(["one.txt", "two.txt"]);
    expect(run.finalText).toBe("Done. Wrote one.txt, two.txt.");
  });

  it("answers text when no write tool is offered", async () => {
    server = await startScriptedModel({ behaviour: demoBehaviour });
    const run = await runLoop(server, "Create a.txt", {});
    expect(run.calls).toEqual([]);
    expect(run.finalText).toContain("no tool to write files");
  });
});

describe("writeArgumentNames", () => {
  it("reads the argument names from the tool's JSON schema", () => {
    const schema = (properties: string[]) => ({
      type: "function" as const,
      function: { name: "write", parameters: { properties: Object.fromEntries(properties.map((p) => [p, {}])) } },
    });
    expect(writeArgumentNames(schema(["content", "filePath"]))).toEqual({ path: "filePath", content: "content" });
    expect(writeArgumentNames(schema(["path", "content"]))).toEqual({ path: "path", content: "content" });
    expect(writeArgumentNames(schema(["target_file", "body"]))).toEqual({ path: "target_file", content: "body" });
  });
});
