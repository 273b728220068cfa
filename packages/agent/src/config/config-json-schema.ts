import { z } from "zod";
import { PursuitConfigSchema } from "./config-schema.js";

/** The published JSON schema of pursuit.json, as the committed file holds it (generated, never hand-edited). */
export function configJSONSchemaText(): string {
  const schema = z.toJSONSchema(PursuitConfigSchema, { io: "input" }) as Record<string, unknown>;
  return `${JSON.stringify({ ...schema, title: "Pursuit configuration (pursuit.json)" }, null, 2)}\n`;
}
