import type {
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  SharedV3ProviderOptions,
} from "@ai-sdk/provider";
import { asSchema, type ModelMessage, type ToolSet } from "ai";

/**
 * A step's messages in the provider's own prompt form, the way the AI SDK's `streamText` lays them out (empty
 * texts dropped, provider options kept on messages and parts), without validating the whole history against
 * the SDK's message schema on every request: the transcript is written by the runtime, not by a caller, and
 * that validation grew with every message of a session (a tenth of the host's CPU on a long one).
 */
export function toLanguageModelPrompt(
  system: string | undefined,
  messages: readonly ModelMessage[],
): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = system !== undefined ? [{ role: "system", content: system }] : [];
  for (const message of messages) prompt.push(toLanguageModelMessage(message));
  return prompt;
}

function toLanguageModelMessage(message: ModelMessage): LanguageModelV3Message {
  const providerOptions = message.providerOptions as SharedV3ProviderOptions | undefined;
  const options = providerOptions ? { providerOptions } : {};
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content, ...options };
    case "user": {
      if (typeof message.content === "string")
        return { role: "user", content: [{ type: "text", text: message.content }], ...options };
      const content: Extract<LanguageModelV3Message, { role: "user" }>["content"] = [];
      for (const part of message.content) {
        if (part.type !== "text") throw new Error(`the runtime does not send ${part.type} parts to a model`);
        if (part.text !== "") content.push({ type: "text", text: part.text, ...partOptions(part.providerOptions) });
      }
      return { role: "user", content, ...options };
    }
    case "assistant": {
      if (typeof message.content === "string")
        return { role: "assistant", content: [{ type: "text", text: message.content }], ...options };
      const content: Extract<LanguageModelV3Message, { role: "assistant" }>["content"] = [];
      for (const part of message.content) {
        switch (part.type) {
          case "text":
            if (part.text !== "" || part.providerOptions)
              content.push({ type: "text", text: part.text, ...partOptions(part.providerOptions) });
            break;
          case "reasoning":
            content.push({ type: "reasoning", text: part.text, ...partOptions(part.providerOptions) });
            break;
          case "tool-call":
            content.push({
              type: "tool-call",
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              input: part.input,
              ...partOptions(part.providerOptions),
            });
            break;
          default:
            throw new Error(`the runtime does not send assistant ${part.type} parts to a model`);
        }
      }
      return { role: "assistant", content, ...options };
    }
    case "tool": {
      const content: Extract<LanguageModelV3Message, { role: "tool" }>["content"] = [];
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        if (part.output.type !== "text" && part.output.type !== "error-text")
          throw new Error(`the runtime does not send ${part.output.type} tool results to a model`);
        content.push({
          type: "tool-result",
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          output: { type: part.output.type, value: part.output.value },
          ...partOptions(part.providerOptions),
        });
      }
      return { role: "tool", content, ...options };
    }
  }
}

function partOptions(providerOptions: unknown): { providerOptions?: SharedV3ProviderOptions } {
  return providerOptions ? { providerOptions: providerOptions as SharedV3ProviderOptions } : {};
}

/** Each tool's definition, built once: its JSON schema never changes, and building it walks the whole schema. */
const definitions = new WeakMap<object, { name: string; definition: Promise<LanguageModelV3FunctionTool> }>();

/** The tools as function definitions with JSON schemas, as `streamText` sends them. */
export function toLanguageModelTools(tools: ToolSet): Promise<LanguageModelV3FunctionTool[]> {
  return Promise.all(
    Object.entries(tools).map(([name, tool]) => {
      const known = definitions.get(tool);
      if (known?.name === name) return known.definition;
      const definition = toDefinition(name, tool);
      definitions.set(tool, { name, definition });
      return definition;
    }),
  );
}

async function toDefinition(name: string, tool: ToolSet[string]): Promise<LanguageModelV3FunctionTool> {
  return {
    type: "function",
    name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    inputSchema: await asSchema(tool.inputSchema).jsonSchema,
  };
}
