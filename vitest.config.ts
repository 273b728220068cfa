import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources through the "@pursuit/source" export condition,
// so tests never depend on a prior build. The name is namespaced: a plain "source" condition would also
// select raw .ts files that some dependencies publish.
const conditions = ["@pursuit/source", "import", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
