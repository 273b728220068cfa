import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A throwaway PostgreSQL server on loopback: its URL (database `postgres`, user `postgres`, no password). */
export type PostgresCluster = {
  url: string;
  port: number;
  /** A URL for a fresh, empty database of that name on this server. */
  createDatabase(name: string): string;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
};

const READY = /database system is ready to accept connections/;

/**
 * Starts a PostgreSQL server of its own for tests: `initdb` into a temporary directory, `postgres` on a free
 * loopback port with its socket in that directory, tuned for speed over durability (a test cluster is thrown
 * away). PostgreSQL refuses to run as root, so as root it runs as the `postgres` user. The binaries come from
 * PATH or Debian's `/usr/lib/postgresql/<version>/bin` (the `postgresql` package, which `.ci/run` installs).
 */
export async function startPostgresCluster(options: { timeoutMs?: number } = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const root = mkdtempSync(join(tmpdir(), "pursuit-pg-"));
  const data = join(root, "data");
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) =>
    asRoot ? (["runuser", ["-u", "postgres", "--", command, ...args]] as const) : ([command, args] as const);
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(root, uid, gid);
  }
  const [initCommand, initArgs] = run(join(bin, "initdb"), [
    "-D",
    data,
    "-A",
    "trust",
    "-U",
    "postgres",
    "-E",
    "UTF8",
    "--no-sync",
    "--locale=C",
  ]);
  execFileSync(initCommand, initArgs, { stdio: "pipe" });
  const port = await freePort();
  const [command, args] = run(join(bin, "postgres"), [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    root,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=200",
  ]);
  const server = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  await ready(server, options.timeoutMs ?? 30_000);
  const psql = join(bin, "psql");
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    url: url("postgres"),
    port,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const [psqlCommand, psqlArgs] = run(existsSync(psql) ? psql : "psql", [
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
        "-U",
        "postgres",
        "-q",
        "-c",
        `CREATE DATABASE ${name}`,
      ]);
      execFileSync(psqlCommand, psqlArgs, { stdio: "pipe" });
      return url(name);
    },
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once("exit", resolve));
        // Fast shutdown: clients are disconnected, nobody is waited for.
        const [stopCommand, stopArgs] = run(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-s"]);
        execFileSync(stopCommand, stopArgs, { stdio: "pipe" });
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Where `initdb` and `postgres` are: on PATH, or the newest of Debian's versioned directories. */
function postgresBinDir(): string {
  try {
    const initdb = execFileSync("sh", ["-c", "command -v initdb"]).toString().trim();
    if (initdb) return join(initdb, "..");
  } catch {
    // not on PATH: Debian keeps them under /usr/lib/postgresql
  }
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions)
    if (existsSync(join(base, version, "bin", "initdb"))) return join(base, version, "bin");
  throw new Error(
    "PostgreSQL is not installed: no initdb on PATH or under /usr/lib/postgresql (apt-get install postgresql)",
  );
}

function ready(server: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = "";
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`PostgreSQL did not start in ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      server.kill("SIGKILL");
      reject(error);
    };
    // Read stderr to the end (a full pipe would stall the server); only the start-up is kept.
    server.stderr?.on("data", (chunk: Buffer) => {
      if (settled) return;
      log += chunk.toString();
      if (READY.test(log)) {
        settled = true;
        clearTimeout(timer);
        resolve();
      }
    });
    server.once("exit", (code) => fail(new Error(`PostgreSQL exited (${code}) before it was ready:\n${log}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
