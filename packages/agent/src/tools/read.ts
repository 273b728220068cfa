import { readdir, readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { defineTool, toolError } from "./tool.js";

const MAX_LINES = 2000;
const MAX_LINE_CHARS = 2000;

export const readTool = defineTool({
  name: "read",
  description: "Read a text file (numbered lines) or list a directory.",
  parameters: z
    .object({
      path: z.string().min(1).describe("File path, relative to the working directory."),
      offset: z.number().int().positive().optional().describe("First line to read (1-based)."),
      limit: z.number().int().positive().optional().describe(`Lines to read (default ${MAX_LINES}).`),
    })
    .strict(),
  async execute(input, context) {
    const resolved = await context.permissions.resolvePath(context.directory, input.path);
    if (!resolved.ok) return toolError(`Refused: ${resolved.error}`);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(resolved.value);
    } catch {
      return toolError(`${input.path} does not exist`);
    }
    if (info.isDirectory()) {
      const entries = await readdir(resolved.value, { withFileTypes: true });
      const names = entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort();
      return { output: names.length === 0 ? "(empty directory)" : names.join("\n"), isError: false };
    }
    const text = await readFile(resolved.value, "utf8");
    if (text.includes("\u0000")) return toolError(`${input.path} is a binary file`);
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    const start = (input.offset ?? 1) - 1;
    const count = input.limit ?? MAX_LINES;
    const shown = lines.slice(start, start + count).map((line, index) => {
      const clipped = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}...` : line;
      return `${start + index + 1}\t${clipped}`;
    });
    const end = start + shown.length;
    const note = end < lines.length ? `\n(lines ${start + 1}-${end} of ${lines.length}; use offset to read more)` : "";
    return { output: shown.length === 0 ? "(empty file)" : shown.join("\n") + note, isError: false };
  },
});
