import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const cliPath = fileURLToPath(new URL("./cli.ts", import.meta.url));
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
  child = undefined;
});

function runCli(args: string[]): ChildProcess {
  child = spawn(process.execPath, ["--import", "tsx", cliPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  return child;
}

async function firstLine(cliProcess: ChildProcess): Promise<string> {
  let output = "";
  for await (const chunk of cliProcess.stdout!) {
    output += String(chunk);
    if (output.includes("\n")) return output.split("\n")[0]!;
  }
  throw new Error(`the CLI exited without printing a URL: ${output}`);
}

describe("pursuit-testkit CLI", () => {
  it("prints the base URL of a demo model that answers requests, and stops on SIGTERM", async () => {
    const cli = runCli(["--port", "0"]);
    const url = await firstLine(cli);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

    const response = await fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
    });
    const completion = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]?.message.content).toContain("no tool to write files");

    cli.kill("SIGTERM");
    const [code] = await once(cli, "exit");
    expect(code).toBe(0);
  });

  it("rejects a bad option value naming the option", async () => {
    const cli = runCli(["--port", "abc"]);
    let errors = "";
    cli.stderr!.on("data", (chunk) => {
      errors += String(chunk);
    });
    const [code] = await once(cli, "exit");
    expect(code).toBe(2);
    expect(errors).toContain("--port");
  });
});
