import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { generateText, type LanguageModel } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelResolver, parseModelRef } from "./providers.js";

describe("ModelResolver", () => {
  it("explains how to configure a model when none is set", () => {
    const result = new ModelResolver({}).resolve();
    expect(result).toMatchObject({ ok: false, error: { code: "model_not_configured" } });
    if (!result.ok) expect(result.error.message).toMatch(/set "model": "provider\/model".*pursuit\.json/);
  });

  it("uses an injected model factory without any configuration", () => {
    const fake = { specificationVersion: "v3" } as unknown as LanguageModel;
    const result = new ModelResolver({}, {}, () => fake).resolve();
    expect(result).toMatchObject({ ok: true, value: { ref: "injected/model", model: fake } });
  });

  it("names an unconfigured provider", () => {
    const result = new ModelResolver({ model: "nowhere/m" }).resolve();
    expect(result).toMatchObject({ ok: false, error: { code: "provider_not_configured" } });
    if (!result.ok) expect(result.error.message).toContain('Provider "nowhere"');
  });

  it("keeps slashes in model ids and carries configured prices", () => {
    expect(parseModelRef("router/meta/llama-3")).toEqual({ providerID: "router", modelID: "meta/llama-3" });
    const resolved = new ModelResolver({
      model: "local/m",
      provider: {
        local: {
          type: "openai-compatible",
          baseURL: "http://127.0.0.1:1/v1",
          models: { m: { prices: { input: 1, output: 2 } } },
        },
      },
    }).resolve();
    expect(resolved).toMatchObject({ ok: true, value: { ref: "local/m", prices: { input: 1, output: 2 } } });
  });
});

describe("provider API keys from the environment", () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    request.resume();
    response.writeHead(400, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: { message: "stop here", type: "invalid_request_error" } }));
  });
  let baseURL = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends OPENAI_API_KEY and ANTHROPIC_API_KEY when the config has no key", async () => {
    const env = { OPENAI_API_KEY: "sk-openai-env", ANTHROPIC_API_KEY: "sk-ant-env" };
    const resolver = new ModelResolver(
      { provider: { o: { type: "openai", baseURL }, a: { type: "anthropic", baseURL } } },
      env,
    );
    for (const ref of ["o/gpt", "a/claude"]) {
      const resolved = resolver.resolve(ref);
      if (!resolved.ok) throw new Error(resolved.error.message);
      await generateText({ model: resolved.value.model, prompt: "hi", maxRetries: 0 }).catch(() => undefined);
    }
    expect(seen[0]?.authorization).toBe("Bearer sk-openai-env");
    expect(seen[1]?.["x-api-key"]).toBe("sk-ant-env");
  });
});
