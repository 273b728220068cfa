#!/usr/bin/env node
// The `pursuit` command. A committed stub so npm links the bin at install time, before dist/ is built.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(entry)) {
  console.error("pursuit is not built yet: run `npm run build` in the repository first.");
  process.exit(1);
}
await import(entry.href);
