import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { defineTool, toolError } from "./tool.js";

export const editTool = defineTool({
  name: "edit",
  description: "Replace an exact piece of text in a file. oldString must match exactly once unless replaceAll is true.",
  parameters: z
    .object({
      path: z.string().min(1).describe("File path, relative to the working directory."),
      oldString: z.string().min(1).describe("The exact text to replace, with enough context to be unique."),
      newString: z.string().describe("The text to put in its place."),
      replaceAll: z.boolean().optional().describe("Replace every occurrence."),
    })
    .strict(),
  async execute(input, context) {
    if (input.oldString === input.newString) return toolError("oldString and newString are the same; nothing to do");
    const resolved = await context.permissions.resolvePath(context.directory, input.path);
    if (!resolved.ok) return toolError(`Refused: ${resolved.error}`);
    let text: string;
    try {
      text = await readFile(resolved.value, "utf8");
    } catch {
      return toolError(`${input.path} does not exist; use write to create it`);
    }
    const occurrences = countOccurrences(text, input.oldString);
    if (occurrences === 0)
      return toolError(`oldString was not found in ${input.path}; read the file and copy it exactly`);
    if (occurrences > 1 && input.replaceAll !== true) {
      return toolError(
        `oldString occurs ${occurrences} times in ${input.path}; add surrounding lines to make it unique, or set replaceAll`,
      );
    }
    // split/join replaces literally: no `$&` patterns as String.replace would interpret them.
    const next = text.split(input.oldString).join(input.newString);
    await writeFile(resolved.value, next, { encoding: "utf8", signal: context.signal });
    return {
      output: `Edited ${input.path}: replaced ${occurrences} occurrence${occurrences === 1 ? "" : "s"}`,
      isError: false,
      changedWorkspace: true,
    };
  },
});

function countOccurrences(text: string, search: string): number {
  let count = 0;
  let from = text.indexOf(search);
  while (from !== -1) {
    count++;
    from = text.indexOf(search, from + search.length);
  }
  return count;
}
