/** Writes schema/pursuit.schema.json from the zod schema of pursuit.json: `npm run schema -w @pursuit/agent`. */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configJSONSchemaText } from "../src/config/config-json-schema.js";

const target = fileURLToPath(new URL("../schema/pursuit.schema.json", import.meta.url));
writeFileSync(target, configJSONSchemaText());
console.log(`wrote ${target}`);
