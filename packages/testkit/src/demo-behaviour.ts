import { findTool, hasTool, type RequestLike, toolCallsMade, userTexts } from "./scenario-helpers.js";
import type { BehaviourFunction, ToolDefinition } from "./types.js";

export interface DemoBehaviourOptions {
  /** Written when the user messages name no files (default: notes-1.md, notes-2.md, notes-3.md). */
  defaultFiles?: string[];
  /** The content written into each file. */
  fileContent?: (fileName: string) => string;
}

const DEFAULT_FILES = ["notes-1.md", "notes-2.md", "notes-3.md"];
const FILE_NAME = /[\w./-]*\w\.(?:txt|md|json|ts|js|mjs|py|html|css|csv|yaml|yml|toml|sh)\b/g;

/**
 * A scripted agent for demos and end-to-end tests, usable against any host that offers a `write` tool:
 * 1. it writes one file per request: the file names found in the user messages (e.g. "create a.txt and b.txt"),
 *    else a small default set; the argument names come from the write tool's JSON schema (`filePath` for
 *    OpenCode, `path` for Pursuit);
 * 2. once every file has a write call in the history, it calls `update_goal` with
 *    `{status: "complete", evidence}` if that tool is offered, once;
 * 3. otherwise it answers with a short text.
 */
export function createDemoBehaviour(options: DemoBehaviourOptions = {}): BehaviourFunction {
  const content = options.fileContent ?? ((name: string) => `# ${name}\n\nWritten by the scripted demo model.\n`);
  return (request) => {
    const write = findTool(request, "write");
    if (!write) return { text: "I have no tool to write files with, so there is nothing I can do here." };
    const argumentNames = writeArgumentNames(write);
    const files = filesToWrite(request, options.defaultFiles ?? DEFAULT_FILES);
    const written = new Set(
      toolCallsMade(request, "write").map((call) => (call.arguments as Record<string, unknown>)?.[argumentNames.path]),
    );
    const next = files.find((file) => !written.has(file));
    if (next !== undefined) {
      return {
        text: `Writing ${next}.`,
        toolCalls: [
          { name: "write", arguments: { [argumentNames.path]: next, [argumentNames.content]: content(next) } },
        ],
      };
    }
    const evidence = `Wrote ${files.join(", ")}.`;
    if (hasTool(request, "update_goal") && toolCallsMade(request, "update_goal").length === 0) {
      return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence } }] };
    }
    return { text: `Done. ${evidence}` };
  };
}

/** The demo behaviour with default options. */
export const demoBehaviour: BehaviourFunction = createDemoBehaviour();

/** File names mentioned in the user messages, in order of first mention, or the defaults. */
export function filesToWrite(request: RequestLike, defaults: string[]): string[] {
  const mentioned = userTexts(request).flatMap((text) => text.match(FILE_NAME) ?? []);
  const unique = [...new Set(mentioned)];
  return unique.length > 0 ? unique : defaults;
}

/** Which properties of the write tool take the path and the content. */
export function writeArgumentNames(tool: ToolDefinition): { path: string; content: string } {
  const properties = Object.keys(tool.function.parameters?.properties ?? {});
  const path =
    ["filePath", "path", "file_path", "filename", "file"].find((name) => properties.includes(name)) ??
    properties.find((name) => /path|file/i.test(name)) ??
    "path";
  const content =
    ["content", "contents", "text", "data"].find((name) => properties.includes(name)) ??
    properties.find((name) => name !== path) ??
    "content";
  return { path, content };
}
