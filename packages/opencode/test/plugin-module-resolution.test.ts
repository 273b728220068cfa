import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ScriptedModel, startScriptedModel } from "@pursuit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOpencodeProject,
  type OpencodeProject,
  type OpencodeServe,
  readJsonLines,
  startOpencodeServe,
} from "./harness/index.js";

/**
 * How OpenCode's embedded Bun resolves what a plugin imports: the plugin package's `exports["./server"]` points at a
 * .ts file, and it imports libraries whose `exports` differ only in their conditions. Each library's TypeScript
 * source says `src-ts`, its built JavaScript (when present) says `dist-js`.
 */
const LIBRARIES: Record<string, { exports: Record<string, string>; dist?: boolean }> = {
  "lib-source": { exports: { source: "./src/index.ts", types: "./dist/index.d.ts", import: "./dist/index.js" } },
  "lib-pursuit-source": {
    exports: { "@pursuit/source": "./src/index.ts", types: "./dist/index.d.ts", import: "./dist/index.js" },
  },
  "lib-bun": { exports: { bun: "./src/index.ts", types: "./dist/index.d.ts", import: "./dist/index.js" } },
  "lib-import-ts": { exports: { types: "./src/index.ts", import: "./src/index.ts" } },
  // The shape of this repository's workspace packages (@pursuit/core etc.), built.
  "lib-workspace-built": {
    exports: { "@pursuit/source": "./src/index.ts", types: "./dist/index.d.ts", import: "./dist/index.js" },
    dist: true,
  },
};

const PLUGIN_SOURCE = `import { appendFileSync } from "node:fs";
const names: string[] = ${JSON.stringify(Object.keys(LIBRARIES))};
export default {
  id: "resolution-probe",
  server: async (_ctx: unknown, options: { logFile: string }) => {
    for (const name of names) {
      const record = (data: Record<string, unknown>) => appendFileSync(options.logFile, JSON.stringify({ name, ...data }) + "\\n");
      try {
        const mod = await import(name);
        record({ ok: true, which: typeof mod.which === "string" ? mod.which : "other", resolved: import.meta.resolve(name) });
      } catch (error) {
        record({ ok: false, error: String(error) });
      }
    }
    return {};
  },
};
`;

interface ResolutionRecord {
  name: string;
  ok: boolean;
  which?: string;
  resolved?: string;
  error?: string;
}

async function writeLibrary(dir: string, name: string, spec: (typeof LIBRARIES)[string]): Promise<void> {
  await mkdir(join(dir, "src"), { recursive: true });
  await writeFile(join(dir, "package.json"), JSON.stringify({ name, type: "module", exports: { ".": spec.exports } }));
  // NodeNext style: the .ts source imports its sibling with a .js specifier.
  await writeFile(join(dir, "src/index.ts"), `import { tag } from "./tag.js";\nexport const which: string = tag;\n`);
  await writeFile(join(dir, "src/tag.ts"), `export const tag: string = "src-ts";\n`);
  if (spec.dist) {
    await mkdir(join(dir, "dist"), { recursive: true });
    await writeFile(join(dir, "dist/index.js"), `export const which = "dist-js";\n`);
  }
}

describe("module resolution inside an OpenCode plugin", () => {
  let model: ScriptedModel;
  let scratch: string;
  let project: OpencodeProject;
  let serve: OpencodeServe;
  let records: Map<string, ResolutionRecord>;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "plugin-resolution-"));
    const pluginDir = join(scratch, "plugin");
    await mkdir(join(pluginDir, "node_modules"), { recursive: true });
    await writeFile(
      join(pluginDir, "package.json"),
      JSON.stringify({ name: "resolution-probe", type: "module", exports: { "./server": "./index.ts" } }),
    );
    await writeFile(join(pluginDir, "index.ts"), PLUGIN_SOURCE);
    // Libraries live outside the plugin and are linked in, as npm workspaces link packages/* into node_modules.
    for (const [name, spec] of Object.entries(LIBRARIES)) {
      await writeLibrary(join(scratch, "libs", name), name, spec);
      await symlink(join(scratch, "libs", name), join(pluginDir, "node_modules", name), "dir");
    }

    const logFile = join(scratch, "resolution.jsonl");
    model = await startScriptedModel({ behaviour: [{ text: "ok" }] });
    project = await createOpencodeProject({
      modelBaseURL: model.url,
      plugins: [{ path: pluginDir, options: { logFile } }],
    });
    serve = await startOpencodeServe(project);
    // Listing tools waits for plugins to be loaded.
    await fetch(`${serve.url}/experimental/tool/ids`, { signal: AbortSignal.timeout(30_000) });
    records = new Map(readJsonLines<ResolutionRecord>(logFile).map((record) => [record.name, record]));
  });

  afterAll(async () => {
    await serve?.stop();
    await model?.close();
    await project?.remove();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("loads a plugin whose server entry is a .ts file", () => {
    expect(records.size).toBe(Object.keys(LIBRARIES).length);
  });

  it("ignores the source and @pursuit/source conditions (falls through to import, which needs dist)", () => {
    expect(records.get("lib-source")).toMatchObject({ ok: false });
    expect(records.get("lib-pursuit-source")).toMatchObject({ ok: false });
    expect(records.get("lib-workspace-built")).toMatchObject({ ok: true, which: "dist-js" });
  });

  it("honours a bun condition and runs TypeScript sources with .js specifiers", () => {
    expect(records.get("lib-bun")).toMatchObject({ ok: true, which: "src-ts" });
    expect(records.get("lib-import-ts")).toMatchObject({ ok: true, which: "src-ts" });
  });
});
