import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** The monorepo root (four levels above this folder: packages/opencode/test/harness). */
export const repoRoot = resolve(here, "../../../..");

/** The `opencode` package folder (packages/opencode). */
export const opencodePackageDir = resolve(here, "../..");

/** Fixture plugins and other test inputs. */
export const fixturesDir = join(opencodePackageDir, "test-fixtures");

/**
 * The native `opencode` binary of the pinned `opencode-ai` devDependency. The platform package's binary is
 * preferred over the `node_modules/.bin` shim because both are the same file and the shim's name varies.
 */
export function opencodeBinary(): string {
  const candidates = [
    join(repoRoot, "node_modules/opencode-linux-x64/bin/opencode"),
    join(repoRoot, "node_modules/opencode-ai/bin/opencode.exe"),
    join(repoRoot, "node_modules/.bin/opencode"),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`opencode binary not found; looked in: ${candidates.join(", ")}`);
  return found;
}

/** The installed `@opencode-ai/plugin` package, linked into config folders so OpenCode skips its npm install. */
export const opencodePluginPackageDir = join(repoRoot, "node_modules/@opencode-ai/plugin");
