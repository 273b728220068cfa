import { WEBHOOK_EVENTS, WEBHOOK_FORMATS } from "@pursuit/core";
import { z } from "zod";

/** Dollars per million tokens; cache prices default to the input price. */
export const ModelPricesSchema = z
  .object({
    input: z.number().nonnegative().describe("Dollars per million non-cached input tokens."),
    output: z.number().nonnegative().describe("Dollars per million output tokens (reasoning included)."),
    cacheRead: z.number().nonnegative().optional().describe("Dollars per million cache-read input tokens."),
    cacheWrite: z.number().nonnegative().optional().describe("Dollars per million cache-write input tokens."),
  })
  .strict();

export const ModelConfigSchema = z
  .object({
    prices: ModelPricesSchema.optional().describe("Overrides the model catalog's prices."),
    contextWindow: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Tokens the model takes in one request, prompt and answer; overrides the model catalog."),
    maxOutputTokens: z.number().int().positive().optional().describe("Output cap of each model step."),
  })
  .strict();

export const PROVIDER_TYPES = ["openai", "anthropic", "openai-compatible"] as const;

export const ProviderConfigSchema = z
  .object({
    type: z.enum(PROVIDER_TYPES).describe("Which protocol the provider speaks."),
    baseURL: z.url().optional().describe("API base URL, e.g. http://127.0.0.1:11434/v1 for Ollama."),
    apiKey: z.string().optional().describe("API key; OPENAI_API_KEY / ANTHROPIC_API_KEY are used when it is not set."),
    headers: z.record(z.string(), z.string()).optional().describe("Extra HTTP headers sent with every request."),
    models: z.record(z.string(), ModelConfigSchema).optional().describe("Per-model settings, keyed by model id."),
    streamIdleTimeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        "A model stream silent for this long is cut and retried (default 120000; PURSUIT_STREAM_IDLE_TIMEOUT overrides it).",
      ),
  })
  .strict()
  .refine((provider) => provider.type !== "openai-compatible" || provider.baseURL !== undefined, {
    message: "an openai-compatible provider needs a baseURL",
    path: ["baseURL"],
  });

const positive = z.number().positive();

export const GoalConfigSchema = z
  .object({
    limits: z
      .object({
        tokens: positive.int().optional(),
        turns: positive.int().optional(),
        seconds: positive.optional(),
        costUSD: positive.optional(),
      })
      .strict()
      .optional()
      .describe("Limits given to new goals that name none."),
    stallTurns: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Pause after this many continuation turns without progress (default 3)."),
    errorTurns: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Block after this many failed turns in a row (default 3)."),
    backoffBaseMs: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("First backoff delay after a turn without progress (default 2000)."),
    backoffMaxMs: z.number().int().nonnegative().optional().describe("Backoff cap (default 60000)."),
    wrapUpMaxOutputTokens: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("Output cap of the one wrap-up step after a limit is crossed (default 256; 0 disables it)."),
    progressWindowTurns: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("How many recent turns' tool results count as already seen (default 3)."),
    verifyTimeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Timeout of a goal's verify command (default 120000)."),
    waitMaxMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("The longest a waiting goal waits before it wakes by itself (default 1800000, 30 minutes)."),
    waitCheckFirstMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Delay before a wait's check runs again; it doubles after each run (default 15000)."),
    waitCheckMaxMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("The longest delay between two runs of a wait's check (default 300000)."),
    waitCheckTimeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Timeout of one run of a wait's check command (default 60000)."),
    waitForQuota: z
      .boolean()
      .optional()
      .describe(
        "Wait for a provider's usage quota to reset (default true); false blocks the goal instead. A goal's own waitForQuota wins.",
      ),
  })
  .strict();

export const BashConfigSchema = z
  .object({
    timeoutMs: z.number().int().positive().optional().describe("Default timeout of a bash command (default 120000)."),
    maxOutputBytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Output kept per command before truncation (default 30000)."),
    deny: z
      .array(z.string().min(1))
      .optional()
      .describe('Command patterns that are refused; "*" matches anything, e.g. "git push*".'),
  })
  .strict();

export const RetryConfigSchema = z
  .object({
    windowMs: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("How long transient provider failures (429, 408, 5xx, lost connections) are retried (default 600000)."),
    baseDelayMs: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("First wait before a retry; doubles with jitter, never less than Retry-After (default 1000)."),
    maxDelayMs: z.number().int().nonnegative().optional().describe("Longest wait between retries (default 60000)."),
  })
  .strict();

export const AgentConfigSchema = z
  .object({
    maxStepsPerTurn: z.number().int().positive().optional().describe("Model steps one turn may take (default 50)."),
    retry: RetryConfigSchema.optional().describe("Retries of failed model requests inside a turn."),
  })
  .strict();

export const WebhookConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }).describe("Where each event is POSTed (http or https)."),
    secret: z
      .string()
      .min(1)
      .optional()
      .describe("Signs each body: x-pursuit-signature: sha256=<hex HMAC-SHA256 of the raw body>."),
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .min(1)
      .optional()
      .describe(
        "Which events (default: goal.complete, goal.budget_limited, goal.blocked, goal.paused, goal.needs_input).",
      ),
    format: z.enum(WEBHOOK_FORMATS).optional().describe("json (default; ntfy takes it too) or slack."),
  })
  .strict();

export const SpendCapSchema = z
  .object({
    tokens: z.number().int().positive().optional().describe("Tokens charged (as a goal's are) across all goals."),
    costUSD: z.number().positive().optional().describe("Dollars spent across all goals."),
  })
  .strict()
  .refine((cap) => cap.tokens !== undefined || cap.costUSD !== undefined, {
    message: 'give "tokens" and/or "costUSD"',
  });

export const SpendCeilingsSchema = z
  .object({
    daily: SpendCapSchema.optional().describe("Per UTC day."),
    weekly: SpendCapSchema.optional().describe("Per UTC week, from Monday 00:00."),
  })
  .strict();

export const PursuitConfigSchema = z
  .object({
    $schema: z.string().optional(),
    model: z
      .string()
      .regex(/^[^/]+\/.+$/, 'expected "provider/model", e.g. "local/qwen3"')
      .optional()
      .describe('The default model as "provider/model".'),
    provider: z.record(z.string(), ProviderConfigSchema).optional().describe("Model providers, keyed by name."),
    goal: GoalConfigSchema.optional(),
    agent: AgentConfigSchema.optional(),
    tools: z.object({ bash: BashConfigSchema.optional() }).strict().optional(),
    webhooks: z
      .array(WebhookConfigSchema)
      .optional()
      .describe("Where goal outcomes are POSTed, for every goal (a goal may add its own)."),
    spendCeilings: SpendCeilingsSchema.optional().describe(
      "Ceilings across all goals of the server: a step that would pass one does not start; the goal is budget_limited until the window turns over.",
    ),
  })
  .strict();

export type PursuitConfig = z.infer<typeof PursuitConfigSchema>;
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;
export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type GoalConfig = z.infer<typeof GoalConfigSchema>;
export type AgentConfig = z.infer<typeof AgentConfigSchema>;
