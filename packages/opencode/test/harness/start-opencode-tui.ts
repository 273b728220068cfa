import { type ChildProcess, spawn } from "node:child_process";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { OpencodeProject, PluginSpec } from "./create-opencode-project.js";
import { writeTuiConfig } from "./create-opencode-project.js";
import { opencodeBinary } from "./opencode-paths.js";
import { withStartLock } from "./start-lock.js";
import { shellQuote, tmux } from "./tmux.js";

export interface StartOpencodeTuiOptions {
  /** TUI plugins; when given, the project's tui.json is (re)written with them. */
  tuiPlugins?: PluginSpec[];
  /** Terminal size (default 160x45: the session sidebar only shows from ~160 columns). */
  width?: number;
  height?: number;
  /** Extra `opencode` arguments (e.g. `["--session", id]`). */
  args?: string[];
  /** Text whose appearance means the TUI is drawn and usable (default: the prompt's key hints). */
  readyText?: string | RegExp;
  /** Default 30 s. */
  readyTimeoutMs?: number;
  /** Extra environment variables over the project's. */
  env?: Record<string, string>;
}

export interface OpencodeTui {
  /** The private tmux socket and session name, for manual `tmux -S socket attach -t session`. */
  socket: string;
  session: string;
  /** The pid of the pane's process (the `opencode` TUI itself, exec'd by the launcher script). */
  pid: number;
  /** The visible screen as plain text (`capture-pane -p`). */
  screen(): Promise<string>;
  /** Polls the screen until it contains `text`; resolves with that screen, rejects with the last one. */
  waitForText(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Types literal text (no Enter). */
  type(text: string): Promise<void>;
  /** Sends tmux key names, e.g. "Enter", "Escape", "C-c". */
  press(...keys: string[]): Promise<void>;
  /** Types `text`, waits `pauseMs` (default 500: the prompt's autocomplete needs it), then presses Enter. */
  submit(text: string, pauseMs?: number): Promise<void>;
  /** OpenCode's log (`--print-logs` stderr). */
  logs(): Promise<string>;
  /** Kills the tmux server and anything left of the TUI's process group. */
  stop(): Promise<void>;
}

let sessionCounter = 0;

function matches(screen: string, text: string | RegExp): boolean {
  return typeof text === "string" ? screen.includes(text) : text.test(screen);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The tmux server daemonizes, so it would outlive a test process that dies without calling stop(). This small
 * child of the test process reads a pipe from it; when the pipe closes (the test process is gone), it kills the
 * tmux server and the TUI. Unref'd: it never keeps the test process alive.
 */
function startWatchdog(socket: string, panePid: number): ChildProcess {
  const script = 'while read -r _; do :; done; tmux -S "$1" kill-server 2>/dev/null; kill -KILL -"$2" "$2" 2>/dev/null';
  const child = spawn("/bin/sh", ["-c", script, "tui-watchdog", socket, String(panePid)], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}

/**
 * Runs the real `opencode` TUI for `project` in a detached tmux session on a private socket
 * (TERM=xterm-256color), and waits until `readyText` is on screen.
 */
export async function startOpencodeTui(
  project: OpencodeProject,
  options: StartOpencodeTuiOptions = {},
): Promise<OpencodeTui> {
  if (options.tuiPlugins) await writeTuiConfig(project.dir, options.tuiPlugins);
  const socket = join(project.root, "tmux.sock");
  const session = `opencode-${process.pid}-${++sessionCounter}`;
  const logFile = join(project.root, `tui-${sessionCounter}.log`);
  const launcher = join(project.root, `tui-${sessionCounter}.sh`);

  // The launcher sets the environment explicitly: a tmux server passes its own environment to panes.
  const env = { ...project.env, ...options.env, TERM: "xterm-256color", COLORTERM: "truecolor" };
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  const command = [opencodeBinary(), "--print-logs", ...(options.args ?? [])].map(shellQuote).join(" ");
  const script = `#!/bin/sh\ncd ${shellQuote(project.dir)} || exit 1\nexec env -i ${assignments.join(" ")} ${command} 2>>${shellQuote(logFile)}\n`;
  await writeFile(launcher, script);
  await chmod(launcher, 0o755);

  const width = String(options.width ?? 160);
  const height = String(options.height ?? 45);
  let panePid = 0;
  // A session that is gone (or not yet created) reads as an empty screen.
  const screen = async () => {
    try {
      return await tmux(socket, ["capture-pane", "-p", "-t", session]);
    } catch {
      return "";
    }
  };
  const logs = () => readFile(logFile, "utf8").catch(() => "");
  const waitForText = async (text: string | RegExp, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      last = await screen();
      if (matches(last, text)) return last;
      await sleep(200);
    }
    throw new Error(`${String(text)} not on screen within ${timeoutMs} ms; screen was:\n${last}`);
  };
  const type = async (text: string) => {
    await tmux(socket, ["send-keys", "-t", session, "-l", text]);
  };
  const press = async (...keys: string[]) => {
    await tmux(socket, ["send-keys", "-t", session, ...keys]);
  };
  let watchdog: ChildProcess | undefined;
  const stop = async () => {
    watchdog?.kill();
    await tmux(socket, ["kill-server"]).catch(() => "");
    if (!panePid) return;
    for (let waited = 0; waited < 5_000 && processAlive(panePid); waited += 100) await sleep(100);
    // tmux makes the pane process a session (and group) leader: kill its whole group.
    for (const target of [-panePid, panePid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };

  const tui: OpencodeTui = {
    socket,
    session,
    pid: panePid,
    screen,
    waitForText,
    type,
    press,
    submit: async (text, pauseMs = 500) => {
      await type(text);
      await sleep(pauseMs);
      await press("Enter");
    },
    logs,
    stop,
  };
  // Started under the same machine-wide lock as `opencode serve`: the TUI runs its own server too.
  await withStartLock(async () => {
    await tmux(socket, ["new-session", "-d", "-s", session, "-x", width, "-y", height, launcher]);
    panePid = Number((await tmux(socket, ["display-message", "-p", "-t", session, "#{pane_pid}"])).trim());
    tui.pid = panePid;
    watchdog = startWatchdog(socket, panePid);
    try {
      await waitForText(options.readyText ?? /ctrl\+p|tab agents|Ask anything/i, options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      const log = await logs();
      await stop();
      throw new Error(`${(error as Error).message}\n--- opencode log:\n${log.slice(-4_000)}`);
    }
  });
  return tui;
}
