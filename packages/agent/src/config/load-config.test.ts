import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configJSONSchemaText } from "./config-json-schema.js";
import { ConfigError, globalConfigPath, loadConfig, parseConfig } from "./load-config.js";

const root = mkdtempSync(join(tmpdir(), "pursuit-config-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function layout(name: string, global?: unknown, project?: unknown) {
  const home = join(root, name, "config-home");
  const project_dir = join(root, name, "project");
  mkdirSync(join(home, "pursuit"), { recursive: true });
  mkdirSync(project_dir, { recursive: true });
  if (global !== undefined) writeFileSync(join(home, "pursuit", "pursuit.json"), JSON.stringify(global));
  if (project !== undefined) writeFileSync(join(project_dir, "pursuit.json"), JSON.stringify(project));
  return { env: { XDG_CONFIG_HOME: home }, directory: project_dir };
}

describe("loadConfig", () => {
  it("reads the project file over the global one from XDG_CONFIG_HOME", async () => {
    const { env, directory } = layout(
      "merge",
      {
        model: "global/a",
        provider: { global: { type: "openai", apiKey: "g" } },
        goal: { stallTurns: 5, backoffBaseMs: 1000 },
      },
      {
        model: "local/m",
        provider: { local: { type: "openai-compatible", baseURL: "http://127.0.0.1:11434/v1" } },
        goal: { stallTurns: 2 },
      },
    );
    const config = await loadConfig(directory, { env });
    expect(config.model).toBe("local/m");
    expect(Object.keys(config.provider ?? {}).sort()).toEqual(["global", "local"]);
    expect(config.goal).toEqual({ stallTurns: 2, backoffBaseMs: 1000 });
  });

  it("falls back to ~/.config when XDG_CONFIG_HOME is unset, and is empty when no file exists", async () => {
    expect(globalConfigPath({})).toMatch(/\.config\/pursuit\/pursuit\.json$/);
    const { env, directory } = layout("none");
    expect(await loadConfig(directory, { env })).toEqual({});
  });

  it("names the file and the field of a bad value", async () => {
    const { env, directory } = layout("bad", undefined, {
      provider: { local: { type: "openai-compatible", baseURL: "not a url" } },
    });
    const error = await loadConfig(directory, { env }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe(join(directory, "pursuit.json"));
    expect((error as ConfigError).field).toBe("provider.local.baseURL");
    expect((error as Error).message).toContain(`${join(directory, "pursuit.json")}: provider.local.baseURL:`);
  });

  it("rejects unknown fields, bad provider types, and a missing baseURL for openai-compatible", () => {
    expect(() => parseConfig('{"modle":"a/b"}', "x.json")).toThrow(/x\.json: .*modle/);
    expect(() => parseConfig('{"provider":{"p":{"type":"gemini"}}}', "x.json")).toThrow(/provider\.p\.type/);
    expect(() => parseConfig('{"provider":{"p":{"type":"openai-compatible"}}}', "x.json")).toThrow(
      /provider\.p\.baseURL: an openai-compatible provider needs a baseURL/,
    );
    expect(() => parseConfig('{"model":"no-slash"}', "x.json")).toThrow(/model: expected "provider\/model"/);
    expect(() => parseConfig("{nope", "x.json")).toThrow(/x\.json: is not valid JSON/);
  });

  it("accepts the documented example", () => {
    const config = parseConfig(
      JSON.stringify({
        $schema: "./node_modules/@pursuit/agent/schema/pursuit.schema.json",
        model: "local/m",
        provider: {
          local: {
            type: "openai-compatible",
            baseURL: "http://127.0.0.1:11434/v1",
            apiKey: "k",
            models: { m: { prices: { input: 0.5, output: 1.5 } } },
          },
        },
        goal: { limits: { tokens: 20000 }, stallTurns: 3 },
        tools: { bash: { deny: ["git push*"] } },
      }),
      "example",
    );
    expect(config.provider?.local?.models?.m?.prices).toEqual({ input: 0.5, output: 1.5 });
  });
});

describe("published JSON schema", () => {
  it("is fresh: schema/pursuit.schema.json matches the zod schema (run `npm run schema -w @pursuit/agent`)", () => {
    const committed = readFileSync(new URL("../../schema/pursuit.schema.json", import.meta.url), "utf8");
    // Compared as data: the formatter may lay the committed file out differently.
    expect(JSON.parse(committed)).toEqual(JSON.parse(configJSONSchemaText()));
  });
});
