import { z } from "@hono/zod-openapi";
import {
  GOAL_STATUSES,
  LIMIT_NAMES,
  MAX_CRITERIA,
  MAX_CRITERION_LENGTH,
  MAX_GOAL_WEBHOOKS,
  MAX_OBJECTIVE_LENGTH,
  MAX_VERIFY_LENGTH,
  MAX_WAIT_SECONDS,
  WAIT_KINDS,
  WEBHOOK_EVENTS,
  WEBHOOK_FORMATS,
} from "@pursuit/core";
import { CeilingHitSchema } from "./spend-schemas.js";

/**
 * The goal JSON shape of @pursuit/core, as named OpenAPI components. `goal-schemas.test.ts` proves the inferred
 * types equal core's in both directions, so the API never drifts from the engine.
 */

/** Defined before use: the goal and its inputs share it. */
function maxWait() {
  return z
    .number()
    .positive()
    .max(MAX_WAIT_SECONDS)
    .openapi({ description: "The longest this goal's waits last, in seconds (null: the configured default, 30 min)" });
}

function waitForQuota() {
  return z.boolean().openapi({
    description:
      "false: when the provider's usage quota runs out, the goal is blocked instead of waiting for the reset (absent: the configured default, which waits)",
  });
}

export const GoalStatusSchema = z.enum(GOAL_STATUSES).openapi("GoalStatus");
export const LimitNameSchema = z.enum(LIMIT_NAMES).openapi("LimitName");
export const ActorSchema = z.enum(["user", "model", "runtime"]).openapi("Actor");
export const WaitKindSchema = z.enum(WAIT_KINDS).openapi("WaitKind");

const wholeLimit = () => z.number().int().positive();
const amountLimit = () => z.number().positive();

export const GoalLimitsSchema = z
  .object({
    tokens: wholeLimit()
      .optional()
      .openapi({ description: "Charged tokens (non-cached input + cache writes + output)" }),
    turns: wholeLimit().optional().openapi({ description: "Goal turns" }),
    seconds: amountLimit().optional().openapi({ description: "Busy seconds while goal turns run" }),
    costUSD: amountLimit().optional().openapi({ description: "Dollars, when the model has prices configured" }),
  })
  .openapi("GoalLimits");

export const GoalUsageSchema = z
  .object({
    tokens: z.number(),
    input: z.number(),
    cacheRead: z.number(),
    cacheWrite: z.number(),
    output: z.number(),
    reasoning: z.number(),
    costUSD: z.number().nullable(),
    turns: z.number(),
    seconds: z.number(),
  })
  .openapi("GoalUsage");

export const WaitCheckSchema = z
  .object({
    command: z.string(),
    nextAt: z.number().openapi({ description: "When the check runs next (epoch ms)" }),
    intervalMs: z
      .number()
      .openapi({ description: "The delay before the run after next (it doubles, up to a maximum)" }),
    runs: z.number().int(),
    output: z.string().optional().openapi({ description: "The tail of the last run's output: the baseline" }),
    exitCode: z.number().nullable().optional(),
  })
  .openapi("WaitCheck");

export const GoalWaitSchema = z
  .object({
    kind: WaitKindSchema,
    reason: z.string(),
    by: z.enum(["model", "runtime"]),
    since: z.number(),
    until: z.number().optional().openapi({ description: "The time asked for, or the quota's reset (epoch ms)" }),
    wakeAt: z
      .number()
      .optional()
      .openapi({ description: "When the goal wakes by itself at the latest; absent while waiting on a person" }),
    check: WaitCheckSchema.optional(),
  })
  .openapi("GoalWait", {
    description: "What a waiting goal waits for: a check command the runtime re-runs, a time, a quota reset, a person",
  });

const criterionText = () =>
  z.string().min(1).max(MAX_CRITERION_LENGTH).openapi({ description: "What must be true, in a sentence" });
const criterionCheck = () =>
  z
    .string()
    .min(1)
    .max(MAX_VERIFY_LENGTH)
    .openapi({ description: "A shell command the runtime runs when the model closes the criterion; it must pass" });

/** A criterion as the history records it: its sentence and check, without number or closure. */
export const CriterionInputSchema = z
  .object({ text: criterionText(), check: criterionCheck().optional() })
  .openapi("CriterionInput");

export const CriterionSchema = z
  .object({
    id: z.number().int().openapi({ description: "The criterion's number, from 1, as the model names it" }),
    text: z.string(),
    check: z.string().optional(),
    closed: z
      .object({
        at: z.number(),
        evidence: z.string().openapi({ description: "What the model offered as proof" }),
        checkOutput: z.string().optional().openapi({ description: "The tail of the passing check's output" }),
      })
      .optional()
      .openapi({ description: "Present once the model closed it (and its check passed)" }),
  })
  .openapi("Criterion", {
    description: "An acceptance criterion: the model closes each with evidence before completing",
  });

/** Criteria as a person gives them: sentences, or {text, check} objects. */
const criteriaInput = () =>
  z
    .array(z.union([criterionText(), z.strictObject({ text: criterionText(), check: criterionCheck().optional() })]))
    .max(MAX_CRITERIA)
    .openapi({
      description: `Up to ${MAX_CRITERIA} acceptance criteria, each a sentence or {text, check}; the model closes each with evidence`,
    });

export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS).openapi("WebhookEvent");

/** A goal's own webhook: no secret (a goal is readable through the API; signing secrets live in configuration). */
export const GoalWebhookSchema = z
  .object({
    url: z.string().openapi({ description: "Where each event is POSTed (http or https)" }),
    events: z
      .array(WebhookEventSchema)
      .optional()
      .openapi({ description: "Which events (default: complete, budget_limited, blocked, paused, needs_input)" }),
    format: z.enum(WEBHOOK_FORMATS).optional().openapi({ description: "json (default) or slack" }),
  })
  .openapi("GoalWebhook");

const goalWebhooksInput = () =>
  z
    .array(
      z.strictObject({
        url: z.url({ protocol: /^https?$/ }),
        events: z.array(WebhookEventSchema).min(1).optional(),
        format: z.enum(WEBHOOK_FORMATS).optional(),
      }),
    )
    .max(MAX_GOAL_WEBHOOKS)
    .openapi({ description: `Up to ${MAX_GOAL_WEBHOOKS} webhooks of this goal's own, besides the configured ones` });

export const GoalSchema = z
  .object({
    id: z.string(),
    sessionID: z.string(),
    objective: z.string(),
    status: GoalStatusSchema,
    reason: z.string().optional(),
    wait: GoalWaitSchema.optional(),
    quietWakes: z.number().int().optional().openapi({ description: "Waits in a row that ended with nothing changed" }),
    maxWaitSeconds: maxWait().optional(),
    waitForQuota: waitForQuota().optional(),
    limit: LimitNameSchema.optional(),
    ceiling: CeilingHitSchema.optional(),
    limits: GoalLimitsSchema,
    usage: GoalUsageSchema,
    evidence: z.string().optional(),
    verify: z.string().optional(),
    criteria: z.array(CriterionSchema).optional(),
    webhooks: z.array(GoalWebhookSchema).optional(),
    createdBy: z.enum(["user", "model"]),
    time: z.object({ created: z.number(), updated: z.number(), completed: z.number().optional() }),
  })
  .openapi("Goal");

const objective = () =>
  z
    .string()
    .min(1)
    .max(MAX_OBJECTIVE_LENGTH)
    .openapi({ description: `What the session should achieve (1..${MAX_OBJECTIVE_LENGTH} characters)` });
const verify = () =>
  z
    .string()
    .min(1)
    .max(MAX_VERIFY_LENGTH)
    .openapi({ description: "A shell command that must pass before the model may complete the goal" });

export const GoalCreateInputSchema = z
  .strictObject({
    objective: objective(),
    limits: z
      .strictObject({
        tokens: wholeLimit().optional(),
        turns: wholeLimit().optional(),
        seconds: amountLimit().optional(),
        costUSD: amountLimit().optional(),
      })
      .optional(),
    criteria: criteriaInput().optional(),
    verify: verify().optional(),
    maxWaitSeconds: maxWait().optional(),
    waitForQuota: waitForQuota().optional(),
    webhooks: goalWebhooksInput().optional(),
  })
  .openapi("GoalCreateInput");

/** Each limit: a positive number sets it, null removes it, absent keeps it. */
export const GoalLimitsPatchSchema = z
  .strictObject({
    tokens: wholeLimit().nullable().optional(),
    turns: wholeLimit().nullable().optional(),
    seconds: amountLimit().nullable().optional(),
    costUSD: amountLimit().nullable().optional(),
  })
  .openapi("GoalLimitsPatch");

export const GoalPatchInputSchema = z
  .strictObject({
    objective: objective().optional(),
    status: z.enum(["active", "paused", "blocked", "complete"]).optional().openapi({
      description:
        "active resumes (and wakes a waiting goal), paused pauses, blocked parks with a reason, complete finishes",
    }),
    limits: GoalLimitsPatchSchema.optional(),
    criteria: criteriaInput()
      .nullable()
      .optional()
      .openapi({ description: "The whole new list (unchanged criteria stay closed); null removes them all" }),
    verify: verify().nullable().optional().openapi({ description: "null removes the verify command" }),
    maxWaitSeconds: maxWait().nullable().optional(),
    waitForQuota: waitForQuota()
      .nullable()
      .optional()
      .openapi({ description: "null goes back to the configured default" }),
    webhooks: goalWebhooksInput().nullable().optional().openapi({ description: "The whole list; null removes them" }),
    reason: z.string().max(1000).optional().openapi({ description: "Why the status changes (kept on the goal)" }),
    evidence: z.string().max(MAX_OBJECTIVE_LENGTH).optional().openapi({ description: "Proof, when completing" }),
  })
  .refine(
    (patch) =>
      patch.objective !== undefined ||
      patch.status !== undefined ||
      patch.limits !== undefined ||
      patch.criteria !== undefined ||
      patch.verify !== undefined ||
      patch.maxWaitSeconds !== undefined ||
      patch.waitForQuota !== undefined ||
      patch.webhooks !== undefined,
    {
      message:
        "the patch changes nothing; give objective, status, limits, criteria, verify, maxWaitSeconds, waitForQuota or webhooks",
    },
  )
  .openapi("GoalPatchInput");

export const QueuedGoalSchema = z
  .object({
    id: z.string(),
    sessionID: z.string(),
    input: z
      .object({ objective: z.string() })
      .catchall(z.unknown())
      .openapi({ description: "The goal as given (the fields of GoalCreateInput), checked when queued" }),
    time: z.number().openapi({ description: "When it was queued (epoch ms)" }),
  })
  .openapi("QueuedGoal", { description: "A goal waiting its turn: it starts when the goal before it completes" });

export const GoalQueueOrderSchema = z
  .strictObject({ ids: z.array(z.string()).openapi({ description: "Every queued goal's id, in the new order" }) })
  .openapi("GoalQueueOrder");

export const GoalClearedSchema = z.object({ cleared: z.literal(true) }).openapi("GoalCleared");

export const GoalContinuationSchema = z
  .discriminatedUnion("state", [
    z.object({ state: z.literal("running").openapi({ description: "A turn runs in the session" }) }),
    z.object({
      state: z.literal("scheduled"),
      at: z.number().openapi({ description: "When the next continuation turn starts (epoch ms)" }),
      retry: z
        .object({ attempt: z.number().int(), message: z.string() })
        .optional()
        .openapi({ description: "Set when the continuation retries after failed turns: which attempt, and why" }),
    }),
    z.object({ state: z.literal("starting").openapi({ description: "A continuation is being decided or started" }) }),
    z.object({
      state: z.literal("waiting"),
      kind: WaitKindSchema,
      reason: z.string(),
      nextCheckAt: z.number().optional().openapi({ description: "When the wait's check runs next (epoch ms)" }),
      wakeAt: z
        .number()
        .optional()
        .openapi({ description: "When the goal wakes by itself at the latest (epoch ms); absent: a person's answer" }),
    }),
    z.object({ state: z.literal("none").openapi({ description: "Nothing happens until someone acts" }) }),
  ])
  .openapi("GoalContinuation", { description: "What happens next in the session without anyone acting" });

export const GoalListQuerySchema = z.object({
  status: GoalStatusSchema.optional().openapi({ param: { name: "status", in: "query" } }),
});
