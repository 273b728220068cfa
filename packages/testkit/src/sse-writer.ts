import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Writes a server-sent event stream the way OpenAI does: one `data: <json>` event per chunk, a blank line
 * after each, optionally paced by a delay between chunks. Stops quietly once the client has gone away.
 */
export class SseWriter {
  private sentAny = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly chunkDelayMs = 0,
  ) {}

  /** Sends the status line and headers at once, before any event. */
  open(): void {
    this.response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    this.response.flushHeaders();
  }

  get clientGone(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  /** Sends one event; resolves false when the client is gone and nothing more should be written. */
  async send(data: object | "[DONE]"): Promise<boolean> {
    if (this.sentAny && this.chunkDelayMs > 0) await sleep(this.chunkDelayMs);
    if (this.clientGone) return false;
    this.sentAny = true;
    const payload = typeof data === "string" ? data : JSON.stringify(data);
    this.response.write(`data: ${payload}\n\n`);
    return true;
  }

  async sendAll(events: (object | "[DONE]")[]): Promise<boolean> {
    for (const event of events) {
      if (!(await this.send(event))) return false;
    }
    return true;
  }

  end(): void {
    if (!this.clientGone) this.response.end();
  }
}
