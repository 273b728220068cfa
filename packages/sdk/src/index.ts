/**
 * @pursuit/sdk: the generated client for Pursuit's HTTP API (src/gen, never edited by hand) plus two helpers:
 * `createPursuitClient` (base URL and password) and `events` (the typed event stream of GET /event).
 */
import { type Client, createClient, createConfig } from "./gen/client/index.js";
import { eventSubscribe } from "./gen/sdk.gen.js";
import type { Event } from "./gen/types.gen.js";

export {
  type Client,
  type Config,
  createClient,
  createConfig,
  type RequestOptions,
  type RequestResult,
} from "./gen/client/index.js";
export * from "./gen/index.js";

export type PursuitClientOptions = {
  /** e.g. http://127.0.0.1:4096 */
  baseUrl: string;
  /** The server's PURSUIT_SERVER_PASSWORD, sent as a Bearer token. */
  password?: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
};

/** A client bound to one server; pass it as `{ client }` to the SDK functions. */
export function createPursuitClient(options: PursuitClientOptions): Client {
  return createClient(
    createConfig({
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
      ...(options.password ? { headers: { Authorization: `Bearer ${options.password}` } } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  );
}

export type EventsOptions = {
  /** Stops the stream (the iterator then ends). */
  signal?: AbortSignal;
  /** Reconnect attempts after the connection drops (default: keep trying). */
  maxRetries?: number;
  /** Told about every failed attempt (network errors, dropped connections) before it is retried. */
  onError?: (error: unknown) => void;
};

/**
 * Every runtime event, in order, as typed objects (`event.type` narrows `event.properties`).
 * Heartbeats (`server.heartbeat`) are included so callers can tell a quiet server from a dead one.
 * A dropped connection is retried with backoff; a refusal (4xx, e.g. a wrong password) ends the iterator
 * with an error instead of retrying forever.
 */
export async function* events(client: Client, options: EventsOptions = {}): AsyncGenerator<Event, void, undefined> {
  const stop = new AbortController();
  const abort = () => stop.abort();
  options.signal?.addEventListener("abort", abort, { once: true });
  if (options.signal?.aborted) stop.abort();
  let refused: Error | undefined;
  const { stream } = await eventSubscribe({
    client,
    signal: stop.signal,
    ...(options.maxRetries !== undefined ? { sseMaxRetryAttempts: options.maxRetries } : {}),
    onSseError: (error: unknown) => {
      options.onError?.(error);
      if (error instanceof Error && /^SSE failed: 4\d\d/.test(error.message)) {
        refused = new Error(`the server refused the event stream (${error.message.replace("SSE failed: ", "HTTP ")})`);
        stop.abort();
      }
    },
  });
  // Races each read against the stop signal: a retry backoff inside the stream must not hold up a refusal.
  const stopped = new Promise<"stopped">((resolve) => {
    if (stop.signal.aborted) resolve("stopped");
    stop.signal.addEventListener("abort", () => resolve("stopped"), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([stream.next(), stopped]).catch((error: unknown) => {
        if (stop.signal.aborted) return "stopped" as const;
        throw error;
      });
      if (next === "stopped" || next.done) break;
      yield next.value as Event;
    }
  } finally {
    options.signal?.removeEventListener("abort", abort);
    stop.abort();
  }
  if (refused) throw refused;
}
