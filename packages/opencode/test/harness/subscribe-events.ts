import type { Event } from "@opencode-ai/sdk";

/** Any event of OpenCode's bus as received from `GET /event` (typed loosely: the stream has more than v1 declares). */
export type BusEvent = Event | { type: string; properties: Record<string, unknown> };

export interface EventSubscription {
  /** Every event received so far, oldest first (live array). */
  events: BusEvent[];
  /** Resolves with the first event (already received or future) matching `predicate`. */
  waitFor<T extends BusEvent = BusEvent>(predicate: (event: BusEvent) => boolean, timeoutMs: number): Promise<T>;
  /** Events of one type, oldest first. */
  ofType(type: string): BusEvent[];
  close(): void;
}

/**
 * Reads OpenCode's server-sent event stream (`GET /event`) and collects every event. Resolves once the stream
 * has delivered its first event (`server.connected`), so nothing published afterwards is missed.
 */
export async function subscribeEvents(
  url: string,
  options: { directory?: string; connectTimeoutMs?: number } = {},
): Promise<EventSubscription> {
  const controller = new AbortController();
  const events: BusEvent[] = [];
  const listeners = new Set<() => void>();
  const endpoint = new URL("/event", url);
  if (options.directory) endpoint.searchParams.set("directory", options.directory);

  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  // Only the connection (up to the first event) is timed out; the stream itself stays open until close().
  const connectTimer = setTimeout(() => controller.abort(new Error("GET /event timed out")), connectTimeoutMs);
  const response = await fetch(endpoint, { headers: { accept: "text/event-stream" }, signal: controller.signal });
  if (!response.ok || !response.body) {
    clearTimeout(connectTimer);
    throw new Error(`GET /event answered ${response.status}`);
  }

  let connected: () => void = () => {};
  const firstEvent = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const publish = (data: string) => {
    try {
      events.push(JSON.parse(data) as BusEvent);
    } catch {
      return; // not JSON: a comment or keep-alive
    }
    connected();
    for (const listener of listeners) listener();
  };

  const read = async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    let data: string[] = [];
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        if (line === "") {
          if (data.length) publish(data.join("\n"));
          data = [];
        } else if (line.startsWith("data:")) {
          data.push(line.slice(5).replace(/^ /, ""));
        }
        newline = buffer.indexOf("\n");
      }
    }
  };
  const reading = read().catch(() => {
    // Closed by close() or by the server stopping; collected events stay available.
  });
  await Promise.race([firstEvent, reading]);
  clearTimeout(connectTimer);
  if (events.length === 0) throw new Error(`GET /event sent no event within ${connectTimeoutMs} ms`);

  return {
    events,
    ofType: (type) => events.filter((event) => event.type === type),
    waitFor<T extends BusEvent>(predicate: (event: BusEvent) => boolean, timeoutMs: number) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (!found) return false;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(found as T);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          const seen = events.map((event) => event.type).join(", ");
          reject(new Error(`no matching event within ${timeoutMs} ms; seen: ${seen.slice(-2_000)}`));
        }, timeoutMs);
        if (!check()) listeners.add(check);
      });
    },
    close: () => controller.abort(),
  };
}
