import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { opencodePluginPackageDir } from "./opencode-paths.js";

/** The version OpenCode 1.18.33 adds to every config folder's package.json. */
export const OPENCODE_PLUGIN_VERSION = "1.18.33";

/**
 * Fills an OpenCode config folder (`<project>/.opencode` or `$XDG_CONFIG_HOME/opencode`) so that OpenCode's
 * start-up dependency check finds nothing to install. OpenCode 1.18.33 runs npm (Arborist) in such a folder
 * when `node_modules` is missing, or when a dependency named in package.json (plus `@opencode-ai/plugin`) is
 * absent from `package-lock.json`'s root `packages[""]` entry. Versions are not compared. Without a registry
 * that install stalls plugin loading for ~70 s.
 *
 * `node_modules/@opencode-ai/plugin` is a symlink to the repository's installed copy, so `.opencode/plugin/*.ts`
 * files importing `@opencode-ai/plugin` resolve (Bun follows the link to the real folder, whose parents hold
 * the package's own dependencies).
 */
export async function prepopulatePluginDeps(configDir: string): Promise<void> {
  const dependencies = { "@opencode-ai/plugin": OPENCODE_PLUGIN_VERSION };
  await mkdir(join(configDir, "node_modules/@opencode-ai"), { recursive: true });
  await writeFile(join(configDir, "package.json"), `${JSON.stringify({ dependencies }, null, 2)}\n`);
  const lockfile = {
    name: "opencode",
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { dependencies },
      "node_modules/@opencode-ai/plugin": { version: OPENCODE_PLUGIN_VERSION, link: true },
    },
  };
  await writeFile(join(configDir, "package-lock.json"), `${JSON.stringify(lockfile, null, 2)}\n`);
  await symlink(opencodePluginPackageDir, join(configDir, "node_modules/@opencode-ai/plugin"), "dir");
}
