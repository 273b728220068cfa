import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BehaviourFunction } from "@pursuit/testkit";

const CLI_SOURCE = resolve(fileURLToPath(import.meta.url), "../../src/cli.ts");
// tsx's loader by absolute URL: the child runs in temp directories where a bare "tsx" would not resolve.
const TSX_LOADER = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist/loader.mjs"),
).href;

/** A `pursuit` child process run from source (tsx), its output collected as it arrives. */
export class PursuitProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(args: string[], options: { cwd: string; env?: Record<string, string> }) {
    this.child = spawn(
      process.execPath,
      ["--conditions=@pursuit/source", "--import", TSX_LOADER, CLI_SOURCE, ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, FORCE_COLOR: "0", ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.child.stdout?.on("data", (chunk: Buffer) => {
      this.stdout += chunk.toString();
      this.notify();
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
      this.notify();
    });
    this.exited = new Promise((done) => this.child.on("exit", (code, signal) => done(signal ? null : code)));
  }

  /** Resolves with the first match of `pattern` in stdout or stderr (generous timeout for a loaded machine). */
  async waitFor(pattern: RegExp, timeoutMs = 45_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.stdout.match(pattern) ?? this.stderr.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null) {
        throw new Error(
          `pursuit exited (${this.child.exitCode}) before ${pattern}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
        );
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${pattern}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 200);
      });
    }
  }

  /** Exit code (null when killed by a signal), failing after `timeoutMs`. */
  async exitCode(timeoutMs = 60_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`pursuit did not exit\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** Starts `pursuit serve` on a free port (kept in `started`, for the test to stop) and waits until it listens. */
export async function startServe(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; started: PursuitProcess[] },
): Promise<{ child: PursuitProcess; url: string }> {
  const child = new PursuitProcess(["serve", "--port", "0", ...args], options);
  options.started.push(child);
  const [, url = ""] = await child.waitFor(/listening on (http:\/\/[\d.]+:\d+)/);
  return { child, url };
}

/** A scripted model's behaviour: a new file written on every request, steady progress that never finishes. */
export const endlessWrites: BehaviourFunction = (_request, context) => ({
  text: `Part ${context.index}.`,
  toolCalls: [{ name: "write", arguments: { path: `part-${context.index}.txt`, content: "y".repeat(300) } }],
});

/** Runs `pursuit ...` to completion. */
export async function runPursuit(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const child = new PursuitProcess(args, options);
  const code = await child.exitCode();
  return { code, stdout: child.stdout, stderr: child.stderr };
}

/** A project directory with a pursuit.json pointing at the scripted model, and isolated XDG dirs. */
export function makeProject(modelURL: string | undefined, extra: Record<string, unknown> = {}) {
  const root = mkdtempSync(join(tmpdir(), "pursuit-cli-test-"));
  const directory = join(root, "project");
  mkdirSync(directory);
  if (modelURL) {
    const config = {
      model: "local/scripted",
      provider: { local: { type: "openai-compatible", baseURL: modelURL } },
      ...extra,
    };
    writeFileSync(join(directory, "pursuit.json"), JSON.stringify(config, null, 2));
  }
  const env = {
    XDG_CONFIG_HOME: join(root, "config"),
    XDG_DATA_HOME: join(root, "data"),
    PURSUIT_SERVER_PASSWORD: "",
    OPENAI_API_KEY: "",
    ANTHROPIC_API_KEY: "",
  };
  return {
    root,
    directory,
    db: join(root, "pursuit.db"),
    env,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
