/**
 * Generates the SDK from the server's OpenAPI document, built in-process (no server, no network):
 * writes openapi.json and src/gen with @hey-api/openapi-ts. `npm run generate -w @pursuit/sdk`.
 * The generated files are never edited by hand; `sdk-freshness.test.ts` fails when they are stale.
 */
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@hey-api/openapi-ts";
import { openApiDocument } from "@pursuit/server";

export const SDK_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const GENERATED_DIR = join(SDK_ROOT, "src", "gen");
export const DOCUMENT_FILE = join(SDK_ROOT, "openapi.json");

export function documentText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

/** Writes the generated client into `outputDir` from the current server document. */
export async function generateSdk(outputDir: string, documentFile: string): Promise<void> {
  await writeFile(documentFile, documentText());
  await createClient({
    input: documentFile,
    output: { path: outputDir, importFileExtension: ".js", tsConfigPath: join(SDK_ROOT, "tsconfig.json") },
    plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
    logs: { level: "silent" },
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await generateSdk(GENERATED_DIR, DOCUMENT_FILE);
  // The committed document is formatted like every other file, so `npm run check` stays green.
  const biome = createRequire(import.meta.url).resolve("@biomejs/biome/bin/biome");
  const formatted = spawnSync(process.execPath, [biome, "format", "--write", DOCUMENT_FILE], { stdio: "inherit" });
  if (formatted.status !== 0) process.exitCode = 1;
  console.log(`wrote ${DOCUMENT_FILE} and ${GENERATED_DIR}`);
}
