import { asSchema, InvalidToolInputError, NoSuchToolError, type ToolSet } from "ai";
import type { StepToolCall } from "./step.js";

/**
 * A tool call as the model streamed it (its arguments a JSON text) -> the call the turn runs: arguments parsed
 * and checked against the tool's schema, as `streamText` does. A call that fails either keeps what could be
 * read of its arguments and says why, in the SDK's own words, so the model is told and nothing is dropped.
 */
export async function parseToolCall(
  call: { toolCallId: string; toolName: string; input: string },
  tools: ToolSet,
): Promise<StepToolCall> {
  const { toolCallId: id, toolName: name } = call;
  const tool = tools[name];
  if (!tool) {
    const error = new NoSuchToolError({ toolName: name, availableTools: Object.keys(tools) });
    return { id, name, input: parsedOrRaw(call.input), invalidError: describeInvalid(name, error) };
  }
  let value: unknown;
  try {
    value = call.input.trim() === "" ? {} : JSON.parse(call.input);
  } catch (cause) {
    const error = new InvalidToolInputError({ toolName: name, toolInput: call.input, cause });
    return { id, name, input: call.input, invalidError: describeInvalid(name, error) };
  }
  const validation = await asSchema(tool.inputSchema).validate?.(value);
  if (validation && !validation.success) {
    const error = new InvalidToolInputError({ toolName: name, toolInput: call.input, cause: validation.error });
    return { id, name, input: value, invalidError: describeInvalid(name, error) };
  }
  return { id, name, input: validation ? validation.value : value };
}

function parsedOrRaw(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeInvalid(toolName: string, error: Error): string {
  return `Invalid call of ${toolName}: ${error.message}`;
}
