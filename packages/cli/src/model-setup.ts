import {
  ConfigError,
  globalConfigPath,
  loadConfig,
  ModelResolver,
  type PursuitConfig,
  parseModelRef,
} from "@pursuit/agent";
import { err, ok, type Result } from "@pursuit/core";

type Env = Record<string, string | undefined>;

/** Providers that need no entry in pursuit.json when their usual API key is in the environment. */
const WELL_KNOWN_PROVIDERS = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY" } as const;

/**
 * The configuration a command runs with: pursuit.json (project over global), `--model` on top, and the
 * `openai` / `anthropic` providers filled in from their usual env keys when the file names none.
 */
export async function resolveConfig(
  directory: string,
  options: { model?: string; env?: Env } = {},
): Promise<Result<PursuitConfig, string>> {
  const env = options.env ?? process.env;
  let config: PursuitConfig;
  try {
    config = await loadConfig(directory, { env });
  } catch (error) {
    if (error instanceof ConfigError) return err(`configuration error in ${error.message}`);
    throw error;
  }
  if (options.model) {
    if (!parseModelRef(options.model)) return err(`--model: "${options.model}" is not of the form provider/model`);
    config = { ...config, model: options.model };
  }
  const providerID = config.model ? parseModelRef(config.model)?.providerID : undefined;
  if (providerID && !config.provider?.[providerID] && providerID in WELL_KNOWN_PROVIDERS) {
    const type = providerID as keyof typeof WELL_KNOWN_PROVIDERS;
    if (env[WELL_KNOWN_PROVIDERS[type]]) config = { ...config, provider: { ...config.provider, [type]: { type } } };
  }
  return ok(config);
}

/** Undefined when the configured model can be used; otherwise what is wrong and how to fix it. */
export function modelProblem(config: PursuitConfig, env: Env = process.env): string | undefined {
  const resolved = new ModelResolver(config, env).resolve();
  if (resolved.ok) return undefined;
  // The resolver's message ends with its own one-line example; the fuller guide below replaces it.
  const headline = resolved.error.message.replace(/: set "model".*$/s, ".");
  return `${headline}\n\n${howToConfigure(env)}`;
}

export function howToConfigure(env: Env = process.env): string {
  const keys = Object.values(WELL_KNOWN_PROVIDERS).filter((key) => env[key]);
  return [
    "How to configure a model (any one of these):",
    "",
    `  1. A pursuit.json in the project directory (or in ${globalConfigPath(env)}):`,
    '       {"model": "local/qwen3",',
    '        "provider": {"local": {"type": "openai-compatible", "baseURL": "http://127.0.0.1:11434/v1"}}}',
    '     Any OpenAI-compatible server works: Ollama, LM Studio, vLLM, OpenRouter (add "apiKey").',
    "",
    "  2. An API key in the environment plus --model:",
    '       OPENAI_API_KEY=...    pursuit run --model openai/gpt-4.1-mini --goal "..."',
    '       ANTHROPIC_API_KEY=... pursuit run --model anthropic/claude-sonnet-4-5 --goal "..."',
    keys.length > 0
      ? `     (${keys.join(" and ")} ${keys.length > 1 ? "are" : "is"} set; add --model or "model" to pursuit.json.)`
      : "",
    "",
    "  3. No key at all? Watch a scripted demonstration: pursuit demo",
  ]
    .filter((line, index, lines) => !(line === "" && lines[index - 1] === ""))
    .join("\n");
}
