import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createRuntime } from "@pursuit/agent";
import { BindRefusedError, checkBind, createServer, DEFAULT_HOSTNAME, DEFAULT_PORT } from "@pursuit/server";
import { webAppDirectory } from "@pursuit/web";
import { databaseLocation, databaseOpenError } from "../database-location.js";
import { parseFlags } from "../flags.js";
import { SERVE_HELP } from "../help.js";
import type { Io } from "../io.js";
import { modelProblem, resolveConfig } from "../model-setup.js";
import { replicaOptions } from "../replica-flags.js";

const SERVE_FLAGS = {
  port: { type: "string", short: "p" },
  hostname: { type: "string" },
  db: { type: "string" },
  dir: { type: "string" },
  "workspace-root": { type: "string", multiple: true },
  "lease-ttl": { type: "string" },
  model: { type: "string", short: "m" },
  help: { type: "boolean", short: "h" },
} as const;

/** `pursuit serve`: the HTTP API until SIGINT/SIGTERM. */
export async function serveCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseFlags(args, SERVE_FLAGS);
  if (!parsed.ok) return io.fail(`${parsed.error}\n\n${SERVE_HELP}`);
  const { values } = parsed.value;
  if (values.help) return io.out(SERVE_HELP);
  const port = typeof values.port === "string" ? Number(values.port) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return io.fail(`--port: "${values.port}" is not a port number (0-65535)`);
  }
  const hostname = typeof values.hostname === "string" ? values.hostname : DEFAULT_HOSTNAME;
  const password = io.env.PURSUIT_SERVER_PASSWORD ?? "";
  try {
    checkBind(hostname, password);
  } catch (error) {
    if (error instanceof BindRefusedError) return io.fail(error.message);
    throw error;
  }
  const directory = resolve(io.cwd, typeof values.dir === "string" ? values.dir : ".");
  const config = await resolveConfig(directory, {
    ...(typeof values.model === "string" ? { model: values.model } : {}),
    env: io.env,
  });
  if (!config.ok) return io.fail(config.error);
  const problem = modelProblem(config.value, io.env);
  if (problem) io.err(`warning: goals cannot run until a model is configured.\n${problem}\n\n`);

  const database = databaseLocation(values.db, io);
  const replica = replicaOptions(values, io.cwd);
  if (!replica.ok) return io.fail(replica.error);
  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime({
      ...(database ? { database } : {}),
      replica: replica.value,
      directory,
      config: config.value,
      env: io.env,
    });
  } catch (error) {
    const problem = databaseOpenError(error);
    if (problem) return io.fail(problem);
    throw error;
  }
  let server: Awaited<ReturnType<ReturnType<typeof createServer>["serve"]>>;
  try {
    server = await createServer({ runtime, password, webApp: webAppDirectory }).serve({ port, hostname });
  } catch (error) {
    await runtime.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") return io.fail(`port ${port} is in use; pick another with --port (0 picks a free one)`);
    if (error instanceof BindRefusedError) return io.fail(error.message);
    throw error;
  }
  io.out(`pursuit server listening on ${server.url}${password ? " (password required)" : ""}`);
  // Webhook bodies link to the goal's page.
  runtime.setWebAppURL(server.url);
  io.out(
    existsSync(join(webAppDirectory, "index.html"))
      ? `web app: ${server.url}/`
      : "web app: not built (npm run build in the checkout builds it)",
  );
  io.err(`OpenAPI document: ${server.url}/doc   events: ${server.url}/event   Ctrl-C stops\n`);

  await new Promise<void>((done) => {
    const stop = io.onInterrupt(() => {
      stop();
      done();
    });
  });
  await server.close();
  await runtime.close();
  return 0;
}
