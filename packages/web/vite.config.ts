import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Workspace packages are bundled from their TypeScript sources (the "@pursuit/source" export condition), so the
// app needs no prior build of the SDK or the core. Served by `pursuit serve` from dist/, same origin as the API.
export default defineConfig({
  plugins: [react()],
  base: "./",
  resolve: { conditions: ["@pursuit/source", "browser", "import", "module", "default"] },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, target: "es2022" },
});
