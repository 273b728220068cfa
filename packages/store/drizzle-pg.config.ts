import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/pg/pg-schema.ts",
  out: "./drizzle-pg",
});
