import type { ModelMessage } from "ai";
import type { ProviderConfig } from "../config/config-schema.js";

type ProviderOptions = NonNullable<ModelMessage["providerOptions"]>;

/** A step's prompt as the provider should get it for its cache to work. */
export type CachedPrompt = { system?: string; messages: ModelMessage[]; providerOptions?: ProviderOptions };

const BREAKPOINT: ProviderOptions = { anthropic: { cacheControl: { type: "ephemeral" } } };

/**
 * Lays a step's prompt out for the provider's prompt cache, changing no byte of its content:
 * - Anthropic caches only up to `cache_control` breakpoints (4 at most): one after the system prompt (tools
 *   and system are stable), one on the message that ended the previous request (what this request reads from
 *   the cache), and one on the last message (what the next request will read).
 * - OpenAI caches prefixes by itself; a per-session cache key keeps a session's requests on one cache.
 * Other providers get the prompt as it is.
 */
export function cachedPrompt(
  provider: ProviderConfig["type"] | undefined,
  prompt: { system: string; messages: ModelMessage[]; previousMessageCount?: number; sessionID: string },
): CachedPrompt {
  switch (provider) {
    case "anthropic": {
      const last = prompt.messages.length - 1;
      const previousLast = (prompt.previousMessageCount ?? 0) - 1;
      const messages = prompt.messages.map((message, index) =>
        index === last || index === previousLast
          ? ({ ...message, providerOptions: { ...message.providerOptions, ...BREAKPOINT } } as ModelMessage)
          : message,
      );
      return { messages: [{ role: "system", content: prompt.system, providerOptions: BREAKPOINT }, ...messages] };
    }
    case "openai":
      return {
        system: prompt.system,
        messages: prompt.messages,
        providerOptions: { openai: { promptCacheKey: prompt.sessionID } },
      };
    case "openai-compatible":
    case undefined:
      return { system: prompt.system, messages: prompt.messages };
  }
}
