import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { err, type ModelPrices, ok, type Result } from "@pursuit/core";
import type { LanguageModel } from "ai";
import type { ModelConfig, ProviderConfig, PursuitConfig } from "./config/config-schema.js";
import { CONFIG_FILE_NAME } from "./config/load-config.js";
import { DEFAULT_STREAM_IDLE_TIMEOUT_MS, streamIdleTimeoutFromEnv } from "./config/stream-idle-timeout.js";
import { lookUpCatalog } from "./model-catalog.js";
import { announcingFetch } from "./model-loop/request-sending.js";

/** A model ready for the loop, with what configuration says about it. */
export type ResolvedModel = {
  /** "provider/model" */
  ref: string;
  model: LanguageModel;
  /** The provider's protocol (undefined for an injected model), which decides how prompts are cached. */
  providerType?: ProviderConfig["type"];
  /** From the configuration, else the model catalog; undefined when neither knows them. */
  prices?: ModelPrices;
  maxOutputTokens?: number;
  /** Tokens of one request, prompt and answer: configured, else from the catalog, else a cautious default. */
  contextWindow: number;
  contextWindowSource: "config" | "catalog" | "default";
  /** A stream silent for this long is cut and retried. */
  streamIdleTimeoutMs: number;
};

export type ModelError = { code: "model_not_configured" | "provider_not_configured"; message: string };

type Env = Record<string, string | undefined>;

/**
 * The window assumed for a model neither the configuration nor the catalog describes: small enough that most
 * models take it; a larger real window is only used less fully, and a smaller one is caught by the provider's
 * "prompt is too long" answer, which compacts and retries.
 */
export const DEFAULT_CONTEXT_WINDOW = 32_000;

/** The model reference used with `RuntimeOptions.model` when the configuration names no model. */
export const INJECTED_MODEL_REF = "injected/model";

const HOW_TO_CONFIGURE = `set "model": "provider/model" and a "provider" entry in ${CONFIG_FILE_NAME} (in the project directory or ~/.config/pursuit/), e.g. {"model":"local/qwen3","provider":{"local":{"type":"openai-compatible","baseURL":"http://127.0.0.1:11434/v1"}}}`;

/** Why a model's spend cannot be priced, and how to give its prices. */
export function unpricedModelMessage(ref: string): string {
  const parsed = parseModelRef(ref);
  const where = parsed ? `provider.${parsed.providerID}.models.${parsed.modelID}` : "provider.<id>.models.<model>";
  return `the model "${ref}" has no known price (it is not in the model catalog); give it under ${where} in ${CONFIG_FILE_NAME}: "prices": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75} (dollars per million tokens)`;
}

/** Splits "provider/model" at the first slash (model ids may contain slashes themselves). */
export function parseModelRef(ref: string): { providerID: string; modelID: string } | undefined {
  const slash = ref.indexOf("/");
  if (slash <= 0 || slash === ref.length - 1) return undefined;
  return { providerID: ref.slice(0, slash), modelID: ref.slice(slash + 1) };
}

/**
 * Finds the model a turn should use: the one asked for, else the configured default. Provider clients are
 * created once per provider and reused, so connections are pooled across turns.
 */
export class ModelResolver {
  private readonly clients = new Map<string, (modelID: string) => LanguageModel>();
  /** Model instances are reused: each one builds its response schemas once, which is not free. */
  private readonly models = new Map<string, LanguageModel>();
  /** Set by the environment for every provider; throws a ConfigError when it is not a duration. */
  private readonly envIdleTimeoutMs: number | undefined;

  constructor(
    private readonly config: PursuitConfig,
    private readonly env: Env = process.env,
    private readonly override?: (modelRef: string) => LanguageModel,
  ) {
    this.envIdleTimeoutMs = streamIdleTimeoutFromEnv(env);
  }

  defaultRef(): string | undefined {
    return this.config.model;
  }

  /** Undefined when the model is priced; else why its spend cannot be priced (a PricingPort answer). */
  unpriced(requested?: string): string | undefined {
    const resolved = this.resolve(requested);
    if (!resolved.ok) return resolved.error.message;
    return resolved.value.prices ? undefined : unpricedModelMessage(resolved.value.ref);
  }

  resolve(requested?: string): Result<ResolvedModel, ModelError> {
    // An injected model factory (tests, embedding) works without any configured model.
    const ref = requested ?? this.config.model ?? (this.override ? INJECTED_MODEL_REF : undefined);
    if (!ref) return err({ code: "model_not_configured", message: `No model is configured: ${HOW_TO_CONFIGURE}` });
    const parsed = parseModelRef(ref);
    if (!parsed) {
      return err({ code: "model_not_configured", message: `Model "${ref}" is not of the form "provider/model".` });
    }
    const provider = this.config.provider?.[parsed.providerID];
    const settings: ModelConfig = provider?.models?.[parsed.modelID] ?? {};
    const catalog = provider ? lookUpCatalog(provider, parsed.modelID) : {};
    const prices = settings.prices ?? catalog.prices;
    const windowSource: ResolvedModel["contextWindowSource"] = settings.contextWindow
      ? "config"
      : catalog.contextWindow
        ? "catalog"
        : "default";
    const extras = {
      streamIdleTimeoutMs: this.envIdleTimeoutMs ?? provider?.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
      contextWindow: settings.contextWindow ?? catalog.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
      contextWindowSource: windowSource,
      ...(provider && !this.override ? { providerType: provider.type } : {}),
      ...(prices ? { prices } : {}),
      ...(settings.maxOutputTokens ? { maxOutputTokens: settings.maxOutputTokens } : {}),
    };
    const cached = this.models.get(ref);
    if (cached) return ok({ ref, model: cached, ...extras });
    if (this.override) return ok({ ref, model: this.remember(ref, this.override(ref)), ...extras });
    if (!provider) {
      return err({
        code: "provider_not_configured",
        message: `Provider "${parsed.providerID}" of model "${ref}" is not configured: ${HOW_TO_CONFIGURE}`,
      });
    }
    let client = this.clients.get(parsed.providerID);
    if (!client) {
      client = createClient(parsed.providerID, provider, this.env);
      this.clients.set(parsed.providerID, client);
    }
    return ok({ ref, model: this.remember(ref, client(parsed.modelID)), ...extras });
  }

  private remember(ref: string, model: LanguageModel): LanguageModel {
    this.models.set(ref, model);
    return model;
  }
}

function createClient(name: string, provider: ProviderConfig, env: Env): (modelID: string) => LanguageModel {
  const common = {
    fetch: announcingFetch,
    ...(provider.baseURL ? { baseURL: provider.baseURL } : {}),
    ...(provider.headers ? { headers: provider.headers } : {}),
  };
  switch (provider.type) {
    case "openai-compatible": {
      const client = createOpenAICompatible({
        name,
        baseURL: provider.baseURL ?? "",
        ...(provider.apiKey ? { apiKey: provider.apiKey } : {}),
        ...(provider.headers ? { headers: provider.headers } : {}),
        fetch: announcingFetch,
        // Without it streams carry no usage, and goals could not be charged.
        includeUsage: true,
      });
      return (modelID) => client.chatModel(modelID);
    }
    case "openai": {
      const apiKey = provider.apiKey ?? env.OPENAI_API_KEY;
      const client = createOpenAI({ ...common, ...(apiKey ? { apiKey } : {}) });
      return (modelID) => client(modelID);
    }
    case "anthropic": {
      const apiKey = provider.apiKey ?? env.ANTHROPIC_API_KEY;
      const client = createAnthropic({ ...common, ...(apiKey ? { apiKey } : {}) });
      return (modelID) => client(modelID);
    }
  }
}
