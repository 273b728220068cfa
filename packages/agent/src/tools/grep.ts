import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { glob } from "tinyglobby";
import { z } from "zod";
import { IGNORED } from "./glob.js";
import { defineTool, toolError } from "./tool.js";

const MAX_MATCHES = 100;
const MAX_FILE_BYTES = 1_000_000;
const MAX_LINE_CHARS = 300;

export const grepTool = defineTool({
  name: "grep",
  description: "Search file contents with a regular expression; prints path:line: text, at most 100 matches.",
  parameters: z
    .object({
      pattern: z.string().min(1).describe("JavaScript regular expression."),
      path: z.string().optional().describe("Directory or file to search (default: the working directory)."),
      include: z.string().optional().describe('Glob of files to search, e.g. "**/*.ts".'),
    })
    .strict(),
  async execute(input, context) {
    let regex: RegExp;
    try {
      regex = new RegExp(input.pattern);
    } catch (error) {
      return toolError(`pattern is not a valid regular expression: ${(error as Error).message}`);
    }
    const base = await context.permissions.resolvePath(context.directory, input.path ?? ".");
    if (!base.ok) return toolError(`Refused: ${base.error}`);
    let files: { absolute: string; shown: string }[];
    const info = await stat(base.value).catch(() => undefined);
    if (!info) return toolError(`${input.path} does not exist`);
    if (info.isFile()) {
      files = [{ absolute: base.value, shown: input.path ?? base.value }];
    } else {
      const prefix = input.path && input.path !== "." ? `${input.path.replace(/\/$/, "")}/` : "";
      const found = await glob(input.include ?? "**/*", {
        cwd: base.value,
        ignore: IGNORED,
        onlyFiles: true,
        dot: true,
      });
      files = found.sort().map((file) => ({ absolute: join(base.value, file), shown: prefix + file }));
    }
    const matches: string[] = [];
    let total = 0;
    for (const file of files) {
      if (context.signal.aborted) return toolError("[aborted]");
      const size = (await stat(file.absolute).catch(() => undefined))?.size ?? 0;
      if (size > MAX_FILE_BYTES) continue;
      const text = await readFile(file.absolute, "utf8").catch(() => "");
      if (text.includes("\u0000")) continue;
      const lines = text.split("\n");
      for (let index = 0; index < lines.length; index++) {
        const line = lines[index] ?? "";
        if (!regex.test(line)) continue;
        total++;
        if (matches.length < MAX_MATCHES) {
          const clipped = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}...` : line;
          matches.push(`${file.shown}:${index + 1}: ${clipped}`);
        }
      }
    }
    if (total === 0) return { output: "No matches.", isError: false };
    const note = total > MAX_MATCHES ? `\n(${total - MAX_MATCHES} more matches; narrow the search)` : "";
    return { output: matches.join("\n") + note, isError: false };
  },
});
