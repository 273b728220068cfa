import { glob } from "tinyglobby";
import { z } from "zod";
import { defineTool, toolError } from "./tool.js";

const MAX_RESULTS = 200;
export const IGNORED = ["**/node_modules/**", "**/.git/**"];

export const globTool = defineTool({
  name: "glob",
  description: 'Find files by glob pattern, e.g. "src/**/*.ts". Sorted, at most 200.',
  parameters: z
    .object({
      pattern: z.string().min(1).describe("Glob pattern."),
      path: z.string().optional().describe("Directory to search in (default: the working directory)."),
    })
    .strict(),
  async execute(input, context) {
    const base = await context.permissions.resolvePath(context.directory, input.path ?? ".");
    if (!base.ok) return toolError(`Refused: ${base.error}`);
    if (input.pattern.split("/").includes("..")) return toolError("Refused: patterns may not climb out with ..");
    const files = (await glob(input.pattern, { cwd: base.value, ignore: IGNORED, onlyFiles: true, dot: true })).sort();
    if (files.length === 0) return { output: "No files found.", isError: false };
    const shown = files.slice(0, MAX_RESULTS).join("\n");
    const note = files.length > MAX_RESULTS ? `\n(${files.length - MAX_RESULTS} more; narrow the pattern)` : "";
    return { output: shown + note, isError: false };
  },
});
