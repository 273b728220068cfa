#!/usr/bin/env node
import { main } from "./main.js";

const code = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error("error:", error instanceof Error ? error.message : error);
  return 1;
});
// Let pending output drain before leaving; open handles (sockets, timers) must not keep the command alive.
process.stdout.write("", () => process.exit(code));
