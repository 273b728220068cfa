import { existsSync, readFileSync } from "node:fs";

/** The records of a JSON-lines file (such as the probe plugin's log); an absent file reads as no records. */
export function readJsonLines<T = Record<string, unknown>>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}
