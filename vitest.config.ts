import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources through the "@pursuit/source" export condition,
// so tests never depend on a prior build. The name is namespaced: a plain "source" condition would also
// select raw .ts files that some dependencies publish. "import" is not listed: the resolver applies it to imports
// by itself, while listed here it also reaches Node's `require` (vitest passes these conditions to Node), where
// it makes a CommonJS package (pg, requiring pg-pool) load another package's ESM build.
const conditions = ["@pursuit/source", "module", "node"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
