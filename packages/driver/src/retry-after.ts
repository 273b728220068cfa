/**
 * How long a provider asks us to wait, from its response headers: `retry-after-ms` (OpenAI, Anthropic) wins
 * over `retry-after`, which is seconds or an HTTP date. Header names are matched in any case. `undefined`
 * when the headers say nothing usable.
 */
export function parseRetryAfter(
  headers: Record<string, string | undefined> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  let ms: string | undefined;
  let value: string | undefined;
  for (const [key, raw] of Object.entries(headers)) {
    const name = key.toLowerCase();
    if (name === "retry-after-ms") ms = raw;
    else if (name === "retry-after") value = raw;
  }
  if (ms !== undefined && ms.trim() !== "") {
    const parsed = Number(ms);
    if (Number.isFinite(parsed) && parsed >= 0) return parsed;
  }
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
