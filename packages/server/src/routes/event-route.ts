import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import type { ApiEvent } from "../api-runtime.js";
import { EventSchema } from "../schemas/event-schemas.js";

const eventStream = createRoute({
  method: "get",
  path: "/event",
  operationId: "event.subscribe",
  tags: ["event"],
  summary: "Every runtime event as Server-Sent Events, in order, with a heartbeat",
  responses: {
    200: { description: "Event stream", content: { "text/event-stream": { schema: EventSchema } } },
  },
});

export type EventStreamOptions = {
  /** Milliseconds between `server.heartbeat` events (keeps proxies and idle clients connected). */
  heartbeatMs: number;
  /** A subscriber this many events behind is disconnected instead of buffering without bound. */
  maxQueuedEvents: number;
};

/**
 * GET /event. Each subscriber gets its own ordered write queue, so a slow client never reorders or blocks
 * the runtime; one that falls too far behind is dropped (it can reconnect and re-read state).
 */
export function registerEventRoute(
  app: OpenAPIHono,
  runtime: { subscribe: (listener: (event: ApiEvent) => void) => () => void },
  options: EventStreamOptions,
): void {
  app.openapi(eventStream, (c) =>
    streamSSE(c, async (stream) => {
      let queued = 0;
      let tail: Promise<void> = Promise.resolve();
      let closed = false;
      const send = (event: ApiEvent | { type: string; properties: object }) => {
        if (closed) return;
        if (++queued > options.maxQueuedEvents) {
          closed = true;
          stream.abort();
          return;
        }
        tail = tail
          .then(() => stream.writeSSE({ data: JSON.stringify(event) }))
          .catch(() => {
            closed = true;
          })
          .finally(() => {
            queued--;
          });
      };
      const unsubscribe = runtime.subscribe(send);
      send({ type: "server.connected", properties: {} });
      const heartbeat = setInterval(() => send({ type: "server.heartbeat", properties: {} }), options.heartbeatMs);
      await new Promise<void>((resolve) => {
        stream.onAbort(() => {
          closed = true;
          resolve();
        });
      });
      clearInterval(heartbeat);
      unsubscribe();
    }),
  );
}
