import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@pursuit/agent";
import { type Behaviour, type ScriptedModel, startScriptedModel } from "@pursuit/testkit";
import { createServer, type RunningServer } from "../src/index.js";

export type ApiFixture = {
  url: string;
  runtime: Runtime;
  model: ScriptedModel;
  directory: string;
  server: RunningServer;
  close(): Promise<void>;
};

/** The real runtime on a SQLite file in a temp dir, the scripted model over HTTP, the API on a random port. */
export async function startApi(options: { behaviour: Behaviour; password?: string }): Promise<ApiFixture> {
  const directory = mkdtempSync(join(tmpdir(), "pursuit-server-test-"));
  const model = await startScriptedModel({ behaviour: options.behaviour });
  const runtime = await createRuntime({
    database: join(directory, "pursuit.db"),
    directory,
    config: { model: "local/scripted", provider: { local: { type: "openai-compatible", baseURL: model.url } } },
  });
  const server = await createServer({ runtime, password: options.password ?? "" }).serve({ port: 0 });
  return {
    url: server.url,
    runtime,
    model,
    directory,
    server,
    async close() {
      await server.close();
      await runtime.close();
      await model.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Resolves once no session is busy (polling the runtime; generous timeout for a loaded machine). */
export async function waitUntilIdle(runtime: Runtime, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Quiet: no turn running and no continuation scheduled or starting, as the runtime's driver knows it.
  while (!runtime.quiet()) {
    if (Date.now() > deadline) throw new Error(`sessions still busy: ${JSON.stringify(runtime.status())}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
