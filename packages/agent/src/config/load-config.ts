import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { z } from "zod";
import { type PursuitConfig, PursuitConfigSchema } from "./config-schema.js";

export const CONFIG_FILE_NAME = "pursuit.json";

/** A configuration file that cannot be used, naming the file and the field. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    detail: string,
  ) {
    super(field ? `${file}: ${field}: ${detail}` : `${file}: ${detail}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** `$XDG_CONFIG_HOME/pursuit/pursuit.json`, falling back to `~/.config/pursuit/pursuit.json`. */
export function globalConfigPath(env: Env = process.env): string {
  const configHome = env.XDG_CONFIG_HOME?.trim() ? env.XDG_CONFIG_HOME : join(homedir(), ".config");
  return join(configHome, "pursuit", CONFIG_FILE_NAME);
}

/** The files read for a directory, lowest precedence first. */
export function configPaths(directory: string, env: Env = process.env): string[] {
  return [globalConfigPath(env), join(directory, CONFIG_FILE_NAME)];
}

/**
 * Reads `pursuit.json` of the directory over the user's global one. Missing files are skipped; a file that is
 * not valid JSON or does not match the schema throws a ConfigError naming the file and the field.
 */
export async function loadConfig(directory: string, options: { env?: Env } = {}): Promise<PursuitConfig> {
  let merged: PursuitConfig = {};
  for (const path of configPaths(directory, options.env)) {
    const parsed = await readConfigFile(path);
    if (parsed) merged = mergeConfig(merged, parsed);
  }
  return merged;
}

/** One file's configuration, or undefined when the file does not exist. */
export async function readConfigFile(path: string): Promise<PursuitConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(path, undefined, `cannot be read: ${(error as Error).message}`);
  }
  return parseConfig(text, path);
}

/** Validates configuration text; `source` names it in errors. */
export function parseConfig(text: string, source: string): PursuitConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, undefined, `is not valid JSON (${(error as Error).message})`);
  }
  const result = PursuitConfigSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0] as z.core.$ZodIssue;
    throw new ConfigError(source, formatPath(issue.path), issue.message);
  }
  return result.data;
}

function formatPath(path: readonly PropertyKey[]): string | undefined {
  if (path.length === 0) return undefined;
  return path.map((key) => (typeof key === "number" ? `[${key}]` : String(key))).join(".");
}

/** Objects merge key by key (the later wins); arrays and scalars are replaced. */
export function mergeConfig(base: PursuitConfig, over: PursuitConfig): PursuitConfig {
  return mergeValue(base, over) as PursuitConfig;
}

function mergeValue(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) result[key] = mergeValue(base[key], value);
  return result;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
