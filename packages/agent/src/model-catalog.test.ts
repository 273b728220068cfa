import { describe, expect, it } from "vitest";
import { lookUpCatalog } from "./model-catalog.js";
import { DEFAULT_CONTEXT_WINDOW, ModelResolver } from "./providers.js";

describe("the model catalog", () => {
  it("knows a current model's window and its four prices", () => {
    expect(lookUpCatalog({ type: "anthropic" }, "claude-sonnet-4-5")).toEqual({
      contextWindow: 200_000,
      prices: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    });
    expect(lookUpCatalog({ type: "openai" }, "gpt-5")).toMatchObject({
      contextWindow: 400_000,
      prices: { input: 1.25, output: 10, cacheRead: 0.125 },
    });
  });

  it("prices a hosted openai-compatible provider by its URL, never a local server's model of the same name", () => {
    expect(
      lookUpCatalog({ type: "openai-compatible", baseURL: "https://openrouter.ai/api/v1" }, "openai/gpt-5"),
    ).toMatchObject({ prices: { input: 1.25, output: 10 } });
    expect(lookUpCatalog({ type: "openai-compatible", baseURL: "http://127.0.0.1:11434/v1" }, "gpt-5")).toEqual({});
    expect(lookUpCatalog({ type: "openai" }, "no-such-model")).toEqual({});
  });

  it("lets pursuit.json override the catalog per model, and assumes a small window for an unknown model", () => {
    const config = {
      model: "claude/claude-sonnet-4-5",
      provider: {
        claude: {
          type: "anthropic" as const,
          apiKey: "k",
          models: { "claude-sonnet-4-5": { contextWindow: 16_000, prices: { input: 1, output: 2 } } },
        },
        local: { type: "openai-compatible" as const, baseURL: "http://127.0.0.1:1/v1" },
      },
    };
    const resolver = new ModelResolver(config, {});
    const overridden = resolver.resolve();
    expect(overridden.ok && overridden.value).toMatchObject({
      contextWindow: 16_000,
      contextWindowSource: "config",
      prices: { input: 1, output: 2 },
    });
    const fromCatalog = resolver.resolve("claude/claude-opus-4-5");
    expect(fromCatalog.ok && fromCatalog.value).toMatchObject({
      contextWindow: 200_000,
      contextWindowSource: "catalog",
      prices: { input: 5, output: 25 },
    });
    const unknown = resolver.resolve("local/qwen3");
    expect(unknown.ok && unknown.value).toMatchObject({
      contextWindow: DEFAULT_CONTEXT_WINDOW,
      contextWindowSource: "default",
    });
    expect(unknown.ok && unknown.value.prices).toBeUndefined();
    expect(resolver.unpriced("local/qwen3")).toMatch(
      /"local\/qwen3" has no known price.*provider\.local\.models\.qwen3/,
    );
    expect(resolver.unpriced()).toBeUndefined();
  });
});
