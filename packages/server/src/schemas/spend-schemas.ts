import { z } from "@hono/zod-openapi";
import { SPEND_WINDOWS } from "@pursuit/core";

/** The spend ceilings across goals, as named OpenAPI components (type-checked against core in goal-schemas.test.ts). */

export const SpendWindowSchema = z
  .enum(SPEND_WINDOWS)
  .openapi("SpendWindow", { description: "daily: the UTC day; weekly: the UTC week from Monday 00:00" });

export const CeilingHitSchema = z
  .object({
    window: SpendWindowSchema,
    unit: z.enum(["tokens", "costUSD"]),
    allowed: z.number().openapi({ description: "The ceiling when the goal ran into it" }),
    resetsAt: z.number().openapi({ description: "When the window turns over and the goal goes on (epoch ms)" }),
  })
  .openapi("CeilingHit", { description: "The spend ceiling across goals that stopped a goal" });

export const SpendCapSchema = z
  .object({ tokens: z.number().optional(), costUSD: z.number().optional() })
  .openapi("SpendCap");

export const SpendReportSchema = z
  .object({
    windows: z.array(
      z.object({
        window: SpendWindowSchema,
        start: z.number().openapi({ description: "The window's start (epoch ms, UTC)" }),
        end: z.number().openapi({ description: "When it turns over (epoch ms, UTC)" }),
        spent: z.object({
          tokens: z.number().openapi({ description: "Tokens charged across all goals" }),
          costUSD: z.number().openapi({ description: "Dollars across all goals (steps of unpriced models count 0)" }),
        }),
        ceiling: SpendCapSchema.optional().openapi({ description: "The configured ceiling; absent: none" }),
      }),
    ),
  })
  .openapi("SpendReport");
