import type { ModelPrices } from "@pursuit/core";
import { calcPrice, type PriceOptions } from "@pydantic/genai-prices";
import type { ProviderConfig } from "./config/config-schema.js";

/** What the offline catalog knows of a model; either part may be missing. */
export type CatalogFacts = { contextWindow?: number; prices?: ModelPrices };

/** Tokens of each kind priced at once: small enough to stay below the long-context price tiers. */
const SAMPLE_TOKENS = 1_000;

/**
 * Looks a model up in the pinned catalog (`@pydantic/genai-prices`): its context window and its prices in
 * dollars per million tokens (input, output, cache read, cache write), as in force today. Providers are
 * matched by protocol (`openai`, `anthropic`) or, for an openai-compatible one, by its base URL (OpenRouter,
 * Groq, ...): a local server's "llama3" is never priced as some cloud's model of the same name.
 */
export function lookUpCatalog(provider: Pick<ProviderConfig, "type" | "baseURL">, modelID: string): CatalogFacts {
  const options = catalogProvider(provider);
  if (!options) return {};
  const price = (usage: Record<string, number>) => calcPrice(usage, modelID, options);
  const input = price({ input_tokens: SAMPLE_TOKENS });
  if (!input) return {};
  const perMillion = (usage: Record<string, number>) =>
    roundPrice(((price(usage)?.total_price ?? 0) * 1_000_000) / SAMPLE_TOKENS);
  const contextWindow = input.model.context_window;
  return {
    ...(contextWindow ? { contextWindow } : {}),
    prices: {
      input: perMillion({ input_tokens: SAMPLE_TOKENS }),
      output: perMillion({ output_tokens: SAMPLE_TOKENS }),
      // The catalog counts cached tokens inside input_tokens.
      cacheRead: perMillion({ input_tokens: SAMPLE_TOKENS, cache_read_tokens: SAMPLE_TOKENS }),
      cacheWrite: perMillion({ input_tokens: SAMPLE_TOKENS, cache_write_tokens: SAMPLE_TOKENS }),
    },
  };
}

function catalogProvider(provider: Pick<ProviderConfig, "type" | "baseURL">): PriceOptions | undefined {
  switch (provider.type) {
    case "openai":
    case "anthropic":
      return { providerId: provider.type };
    case "openai-compatible":
      return provider.baseURL ? { providerApiUrl: provider.baseURL } : undefined;
  }
}

const roundPrice = (value: number): number => Math.round(value * 1e6) / 1e6;
