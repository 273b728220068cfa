import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { GoalApiRuntime } from "../api-runtime.js";
import { errorResponses } from "../schemas/error-schema.js";
import { SpendReportSchema } from "../schemas/spend-schemas.js";

const getSpend = createRoute({
  method: "get",
  path: "/spend",
  operationId: "spend.get",
  tags: ["goal"],
  summary: "Spend across all goals this UTC day and week, against the configured ceilings",
  responses: {
    200: { description: "Each window's spend", content: { "application/json": { schema: SpendReportSchema } } },
    ...errorResponses(401),
  },
});

/** GET /spend: what the spend ceilings see. */
export function registerSpendRoute(app: OpenAPIHono, runtime: Pick<GoalApiRuntime, "spend">): void {
  app.openapi(getSpend, async (c) => c.json(await runtime.spend(), 200));
}
