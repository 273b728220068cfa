import type { WebhookDelivery, WebhookDeliveryStore } from "@pursuit/core";
import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { StoreDatabase } from "./database.js";
import { webhookDeliveryTable } from "./schema.js";

/** Webhook deliveries in SQLite: added before their first attempt, updated after each. */
export class SqliteWebhookDeliveryStore implements WebhookDeliveryStore {
  constructor(private readonly db: StoreDatabase) {}

  async add(delivery: WebhookDelivery): Promise<void> {
    this.db
      .insert(webhookDeliveryTable)
      .values({ ...delivery, lastError: delivery.lastError ?? null })
      .run();
  }

  async pending(): Promise<WebhookDelivery[]> {
    const rows = this.db
      .select()
      .from(webhookDeliveryTable)
      .where(eq(webhookDeliveryTable.state, "pending"))
      .orderBy(asc(webhookDeliveryTable.nextAt), asc(webhookDeliveryTable.id))
      .all();
    return rows.map(({ lastError, ...row }) => (lastError === null ? row : { ...row, lastError }));
  }

  async claim(id: string, now: number, until: number): Promise<boolean> {
    const claimed = this.db
      .update(webhookDeliveryTable)
      .set({ nextAt: until })
      .where(
        and(
          eq(webhookDeliveryTable.id, id),
          eq(webhookDeliveryTable.state, "pending"),
          lte(webhookDeliveryTable.nextAt, now),
        ),
      )
      .returning({ id: webhookDeliveryTable.id })
      .all();
    return claimed.length > 0;
  }

  async attempted(
    id: string,
    outcome: Pick<WebhookDelivery, "attempts" | "nextAt" | "state"> & { lastError?: string },
  ): Promise<void> {
    this.db
      .update(webhookDeliveryTable)
      .set({ ...outcome, lastError: outcome.lastError ?? sql`${webhookDeliveryTable.lastError}` })
      .where(eq(webhookDeliveryTable.id, id))
      .run();
  }

  /** Every delivery of a session, oldest first (for people and tests). */
  async ofSession(sessionID: string): Promise<WebhookDelivery[]> {
    const rows = this.db
      .select()
      .from(webhookDeliveryTable)
      .where(eq(webhookDeliveryTable.sessionID, sessionID))
      .orderBy(asc(webhookDeliveryTable.createdAt), asc(webhookDeliveryTable.id))
      .all();
    return rows.map(({ lastError, ...row }) => (lastError === null ? row : { ...row, lastError }));
  }
}
