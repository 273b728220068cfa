import { z } from "@hono/zod-openapi";

export const SessionSchema = z
  .object({
    id: z.string(),
    parentID: z.string().optional(),
    title: z.string(),
    directory: z.string().openapi({ description: "The working directory the session's tools act in" }),
    metadata: z.record(z.string(), z.unknown()),
    time: z.object({ created: z.number(), updated: z.number() }),
  })
  .openapi("Session");

export const SessionStatusSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("idle") }),
    z.object({ type: z.literal("busy") }),
    z.object({
      type: z.literal("retry"),
      attempt: z.number(),
      next: z.number().openapi({ description: "When the next attempt starts (epoch ms)" }),
      message: z.string(),
    }),
  ])
  .openapi("SessionStatus");

export const SessionStatusMapSchema = z
  .record(z.string(), SessionStatusSchema)
  .openapi("SessionStatusMap", { description: "Sessions that are not idle, by id" });

export const SessionCreateInputSchema = z
  .strictObject({
    title: z.string().max(500).optional(),
    directory: z.string().min(1).optional().openapi({ description: "Defaults to the server's directory" }),
  })
  .openapi("SessionCreateInput");

export const PromptInputSchema = z
  .strictObject({
    text: z.string().min(1).max(200_000),
    model: z
      .string()
      .regex(/^[^/]+\/.+$/, 'expected "provider/model"')
      .optional()
      .openapi({ description: 'Overrides the configured model, as "provider/model"' }),
  })
  .openapi("PromptInput");

export const SessionIdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: "id", in: "path" }, example: "ses_01JD9Z4V5Q8R2" }),
});
