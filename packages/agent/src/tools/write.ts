import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { defineTool, toolError } from "./tool.js";

export const writeTool = defineTool({
  name: "write",
  description: "Create or overwrite a file with the given content.",
  parameters: z
    .object({
      path: z.string().min(1).describe("File path, relative to the working directory."),
      content: z.string().describe("The whole new content of the file."),
    })
    .strict(),
  async execute(input, context) {
    const resolved = await context.permissions.resolvePath(context.directory, input.path);
    if (!resolved.ok) return toolError(`Refused: ${resolved.error}`);
    await mkdir(dirname(resolved.value), { recursive: true });
    await writeFile(resolved.value, input.content, { encoding: "utf8", signal: context.signal });
    return {
      output: `Wrote ${Buffer.byteLength(input.content, "utf8")} bytes to ${input.path}`,
      isError: false,
      changedWorkspace: true,
    };
  },
});
