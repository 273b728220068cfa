import pg from "pg";
import type { EventChannel } from "../store.js";

/** The channel every replica of one database listens on. */
const CHANNEL = "pursuit_events";
/** NOTIFY payloads must stay under 8000 bytes; larger events travel through the relayed_event table. */
const MAX_NOTIFY_BYTES = 7_000;
/** Relayed events kept for late readers: a listener reads one within moments of its notification. */
const KEEP_RELAYED = 1_000;
const RECONNECT_MS = 500;

/** One notification: a run of events in order, or the id of one too large to notify. */
type Notice = { origin: string; events?: unknown[]; relayed?: number };

/**
 * Events shared by the replicas of one PostgreSQL database through LISTEN/NOTIFY (no second broker): each
 * replica publishes its own events, in order, over one connection, and hears every other replica's. An event too
 * large for a notification is written to `relayed_event` and its id notified instead.
 */
export class PgEventChannel implements EventChannel {
  private readonly listeners = new Set<(event: unknown) => void>();
  private publisher: pg.Client | undefined;
  private listener: pg.Client | undefined;
  private readonly queue: unknown[] = [];
  /** How this replica's own notifications begin (see `send`). */
  private readonly ownPrefix: string;
  private publishing: Promise<void> | undefined;
  private closed = false;
  private reconnect: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    /** This replica's name: its own notifications come back to it and are skipped. */
    private readonly origin: string,
    private readonly onError: (message: string) => void,
  ) {
    this.ownPrefix = `{"origin":${JSON.stringify(origin)},`;
  }

  /** Connects the listening and the publishing connection; events are heard from then on. */
  async open(): Promise<void> {
    this.publisher = await this.connect();
    await this.listen();
  }

  subscribe(listener: (event: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues the event behind the ones published before it, so every replica hears them in this order. Events
   * queued while a batch is being sent go out together in the next one (a turn makes dozens of events; each
   * its own round trip would slow the replica down).
   */
  publish(event: unknown): Promise<void> {
    this.queue.push(event);
    this.publishing ??= this.drain().finally(() => {
      this.publishing = undefined;
    });
    return this.publishing;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    await this.publishing;
    await Promise.allSettled([this.publisher?.end(), this.listener?.end()]);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        await this.send(batch);
      } catch (error) {
        this.onError(
          `${batch.length} event(s) could not be shared with the other replicas: ${(error as Error).message}`,
        );
      }
    }
  }

  /** The batch as few notifications as fit, in one query; an event too large alone goes through the table. */
  private async send(batch: unknown[]): Promise<void> {
    const publisher = this.publisher;
    if (!publisher || this.closed) return;
    const payloads: string[] = [];
    let run: string[] = [];
    let runBytes = 0;
    const endRun = () => {
      if (run.length > 0) payloads.push(`${this.ownPrefix}"events":[${run.join(",")}]}`);
      run = [];
      runBytes = 0;
    };
    for (const event of batch) {
      const json = JSON.stringify(event);
      const bytes = Buffer.byteLength(json);
      if (bytes > MAX_NOTIFY_BYTES - 200) {
        endRun();
        payloads.push(
          JSON.stringify({ origin: this.origin, relayed: await this.relay(publisher, json) } satisfies Notice),
        );
        continue;
      }
      if (runBytes + bytes > MAX_NOTIFY_BYTES - 200) endRun();
      run.push(json);
      runBytes += bytes + 1;
    }
    endRun();
    const calls = payloads.map((_, index) => `pg_notify($1, $${index + 2})`).join(", ");
    await publisher.query(`SELECT ${calls}`, [CHANNEL, ...payloads]);
  }

  private async relay(publisher: pg.Client, json: string): Promise<number> {
    const { rows } = await publisher.query<{ id: string }>(
      "INSERT INTO relayed_event (payload) VALUES ($1) RETURNING id",
      [json],
    );
    const id = Number(rows[0]?.id);
    if (id % 100 === 0) await publisher.query("DELETE FROM relayed_event WHERE id < $1", [id - KEEP_RELAYED]);
    return id;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url });
    client.on("error", (error) => this.lost(client, error));
    await client.connect();
    return client;
  }

  private async listen(): Promise<void> {
    const client = await this.connect();
    this.listener = client;
    // Notifications of one connection arrive in order; a relayed one is read before the next is handled.
    let handling: Promise<void> = Promise.resolve();
    client.on("notification", (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const payload = message.payload;
      handling = handling.then(() => this.heard(payload, client));
    });
    await client.query(`LISTEN ${CHANNEL}`);
  }

  private async heard(payload: string, client: pg.Client): Promise<void> {
    // Every replica hears its own notifications too: skipped before the (costly) parse.
    if (payload.startsWith(this.ownPrefix)) return;
    try {
      const notice = JSON.parse(payload) as Notice;
      if (notice.origin === this.origin) return;
      let events = notice.events ?? [];
      if (notice.relayed !== undefined) {
        const { rows } = await client.query<{ payload: string }>("SELECT payload FROM relayed_event WHERE id = $1", [
          notice.relayed,
        ]);
        if (!rows[0]) throw new Error(`relayed event ${notice.relayed} is gone`);
        events = [JSON.parse(rows[0].payload)];
      }
      for (const event of events) for (const listener of this.listeners) listener(event);
    } catch (error) {
      this.onError(`an event from another replica could not be read: ${(error as Error).message}`);
    }
  }

  /** A connection broke (the server restarted): it is opened again; events meanwhile are missed, and said so. */
  private lost(client: pg.Client, error: Error): void {
    if (this.closed) return;
    this.onError(`the connection sharing events with other replicas broke (${error.message}); reconnecting`);
    void client.end().catch(() => {});
    clearTimeout(this.reconnect);
    this.reconnect = setTimeout(() => {
      this.reopen(client).catch((failure: unknown) => this.lost(client, failure as Error));
    }, RECONNECT_MS);
  }

  private async reopen(broken: pg.Client): Promise<void> {
    if (broken === this.publisher) this.publisher = await this.connect();
    else await this.listen();
  }
}
