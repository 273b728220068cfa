import { z } from "@hono/zod-openapi";
import {
  ActorSchema,
  CriterionInputSchema,
  GoalLimitsSchema,
  GoalStatusSchema,
  GoalUsageSchema,
  GoalWaitSchema,
  GoalWebhookSchema,
  LimitNameSchema,
  WebhookEventSchema,
} from "./goal-schemas.js";
import { CeilingHitSchema } from "./spend-schemas.js";

/** The goal's append-only history as named OpenAPI components (typed against @pursuit/core's GoalHistoryEntry). */
export const ChargeSchema = GoalUsageSchema.openapi("Charge");

const entryBase = { goalID: z.string(), sessionID: z.string(), actor: ActorSchema, time: z.number() };

export const GoalHistoryEntrySchema = z
  .discriminatedUnion("kind", [
    z.object({
      ...entryBase,
      kind: z.literal("created"),
      objective: z.string(),
      limits: GoalLimitsSchema,
      criteria: z.array(CriterionInputSchema).optional(),
      verify: z.string().optional(),
      maxWaitSeconds: z.number().optional(),
      waitForQuota: z.boolean().optional(),
      webhooks: z.array(GoalWebhookSchema).optional(),
    }),
    z.object({
      ...entryBase,
      kind: z.literal("status"),
      from: GoalStatusSchema,
      to: GoalStatusSchema,
      reason: z.string().optional(),
      limit: LimitNameSchema.optional(),
      ceiling: CeilingHitSchema.optional(),
      wait: GoalWaitSchema.optional(),
    }),
    z.object({
      ...entryBase,
      kind: z.literal("edited"),
      objective: z.string().optional(),
      limits: GoalLimitsSchema.optional(),
      criteria: z
        .array(CriterionInputSchema)
        .nullable()
        .optional()
        .openapi({ description: "The criteria afterwards; null: all removed" }),
      verify: z.string().nullable().optional(),
      maxWaitSeconds: z.number().nullable().optional(),
      waitForQuota: z.boolean().nullable().optional(),
      webhooks: z.array(GoalWebhookSchema).nullable().optional(),
    }),
    z.object({
      ...entryBase,
      kind: z.literal("charged"),
      key: z.string(),
      charge: ChargeSchema,
      estimated: z
        .literal(true)
        .optional()
        .openapi({ description: "Charged from the step's reservation after a crash, not from the provider's usage" }),
    }),
    z.object({ ...entryBase, kind: z.literal("continued"), turn: z.number() }),
    z.object({
      ...entryBase,
      kind: z.literal("verified"),
      command: z.string(),
      passed: z.boolean(),
      exitCode: z.number().nullable(),
      output: z.string().openapi({ description: "The tail of the command's output" }),
      criterion: z
        .number()
        .int()
        .optional()
        .openapi({ description: "The criterion whose check this was (absent: the goal's verify command)" }),
    }),
    z.object({
      ...entryBase,
      kind: z.literal("criterion_closed"),
      criterion: z.number().int(),
      text: z.string(),
      evidence: z.string(),
      checkOutput: z.string().optional().openapi({ description: "The tail of the passing check's output" }),
    }),
    z.object({
      ...entryBase,
      kind: z.literal("wait_checked"),
      command: z.string(),
      exitCode: z.number().nullable(),
      output: z.string().openapi({ description: "The tail of the check's output" }),
      woke: z.boolean().openapi({ description: "It passed or its output changed: the goal woke" }),
    }),
    z.object({
      ...entryBase,
      kind: z.literal("webhook_attempted"),
      delivery: z.string().openapi({ description: "The delivery's id (the x-pursuit-delivery header)" }),
      url: z.string(),
      event: WebhookEventSchema,
      attempt: z.number().int(),
      delivered: z.boolean().openapi({ description: "The receiver answered 2xx" }),
      status: z.number().int().optional().openapi({ description: "The receiver's HTTP status, when it answered" }),
      error: z.string().optional().openapi({ description: "Why the attempt failed; it is retried" }),
    }),
    z.object({ ...entryBase, kind: z.literal("cleared") }),
  ])
  .openapi("GoalHistoryEntry");
