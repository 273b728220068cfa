import { runShell } from "@pursuit/driver";
import { z } from "zod";
import { defineTool, toolError } from "./tool.js";

export const bashTool = defineTool({
  name: "bash",
  description: "Run a shell command in the working directory. Output is truncated when long.",
  parameters: z
    .object({
      command: z.string().min(1).describe("The command line."),
      timeoutMs: z.number().int().positive().optional().describe("Kill the command after this many ms."),
    })
    .strict(),
  async execute(input, context) {
    const allowed = context.permissions.checkCommand(input.command);
    if (!allowed.ok) return toolError(`Refused: ${allowed.error}`);
    const timeoutMs = Math.min(input.timeoutMs ?? context.bash.timeoutMs, 10 * context.bash.timeoutMs);
    const result = await runShell(input.command, {
      cwd: context.directory,
      timeoutMs,
      signal: context.signal,
      maxOutputBytes: context.bash.maxOutputBytes,
    });
    const output = result.output.length > 0 ? result.output.replace(/\n$/, "") : "(no output)";
    const metadata = { exitCode: result.exitCode, truncated: result.omittedBytes > 0 };
    if (result.aborted) return { output: `${output}\n[aborted]`, isError: true, metadata };
    if (result.timedOut) {
      return {
        output: `${output}\n[timed out after ${timeoutMs} ms; the command was killed]`,
        isError: true,
        metadata,
      };
    }
    return { output: `${output}\n[exit code ${result.exitCode ?? "none"}]`, isError: false, metadata };
  },
});
