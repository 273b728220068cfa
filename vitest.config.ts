import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources through the "source" export condition,
// so tests never depend on a prior build.
const conditions = ["source", "import", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest hands ssr.resolve.conditions to Node as --conditions, so Node would load eventsource-parser's
    // "source" export (raw .ts) for the externalized AI SDK. Inlining the SDK lets Vite resolve and transform it.
    server: { deps: { inline: ["ai", /@ai-sdk\//, "eventsource-parser"] } },
  },
});
