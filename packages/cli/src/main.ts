import { readFileSync } from "node:fs";
import { goalCommand } from "./commands/goal-command.js";
import { opencodeCommand } from "./commands/opencode-command.js";
import { runCommand } from "./commands/run-command.js";
import { serveCommand } from "./commands/serve-command.js";
import { DEMO_HELP, MAIN_HELP } from "./help.js";
import { type Io, processIo } from "./io.js";

/** `pursuit <command>`: returns the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case "run":
      return runCommand(args, io);
    case "demo":
      if (args.includes("--help") || args.includes("-h")) return io.out(DEMO_HELP);
      return runCommand(args, io, { demo: true });
    case "serve":
      return serveCommand(args, io);
    case "goal":
      return goalCommand(args, io);
    case "opencode":
      return opencodeCommand(args, io);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      return io.out(MAIN_HELP);
    case "--version":
    case "-v":
      return io.out(version());
    default:
      return io.fail(`unknown command "${command}"\n\n${MAIN_HELP}`);
  }
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return manifest.version;
}
