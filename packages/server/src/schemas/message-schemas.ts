import { z } from "@hono/zod-openapi";

/** Token counts of one model step or message, as the provider reported them. */
export const StepUsageSchema = z
  .object({
    input: z.number(),
    output: z.number(),
    reasoning: z.number(),
    cacheRead: z.number(),
    cacheWrite: z.number(),
  })
  .openapi("StepUsage");

export const ToolStateSchema = z
  .discriminatedUnion("status", [
    z.object({ status: z.literal("pending"), input: z.unknown() }),
    z.object({ status: z.literal("running"), input: z.unknown(), time: z.object({ start: z.number() }) }),
    z.object({
      status: z.literal("completed"),
      input: z.unknown(),
      output: z.string(),
      metadata: z.record(z.string(), z.unknown()).optional(),
      time: z.object({ start: z.number(), end: z.number() }),
    }),
    z.object({
      status: z.literal("error"),
      input: z.unknown(),
      error: z.string(),
      time: z.object({ start: z.number(), end: z.number() }),
    }),
  ])
  .openapi("ToolState");

export const PartDataSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("text"), text: z.string(), synthetic: z.boolean().optional() }),
    z.object({ type: z.literal("reasoning"), text: z.string() }),
    z.object({ type: z.literal("tool"), callID: z.string(), tool: z.string(), state: ToolStateSchema }),
    z.object({ type: z.literal("step-start"), stepID: z.string().optional() }),
    z.object({
      type: z.literal("step-finish"),
      stepID: z.string().optional(),
      finishReason: z.string().optional(),
      usage: StepUsageSchema.optional(),
      costUSD: z.number().nullable().optional(),
    }),
    z.object({ type: z.literal("goal-context"), template: z.string(), text: z.string() }),
    z.object({
      type: z.literal("compaction"),
      reason: z.enum(["threshold", "too_long"]),
      summary: z.string().optional(),
      keepFromSeq: z.number().optional(),
      dropOutputsBeforeSeq: z.number(),
      tokensBefore: z.number(),
      tokensAfter: z.number(),
    }),
  ])
  .openapi("PartData");

export const PartSchema = z
  .object({
    id: z.string(),
    messageID: z.string(),
    sessionID: z.string(),
    seq: z.number(),
    data: PartDataSchema,
    time: z.object({ created: z.number(), updated: z.number() }),
  })
  .openapi("Part");

export const MessageSchema = z
  .object({
    id: z.string(),
    sessionID: z.string(),
    role: z.enum(["user", "assistant", "system"]),
    seq: z.number(),
    data: z.object({
      model: z.string().optional(),
      synthetic: z.boolean().optional(),
      error: z.object({ name: z.string(), message: z.string() }).optional(),
      finishReason: z.string().optional(),
      usage: StepUsageSchema.optional(),
      costUSD: z.number().nullable().optional(),
    }),
    time: z.object({ created: z.number(), completed: z.number().optional() }),
  })
  .openapi("Message");

export const MessageWithPartsSchema = MessageSchema.extend({ parts: z.array(PartSchema) }).openapi("MessageWithParts");
