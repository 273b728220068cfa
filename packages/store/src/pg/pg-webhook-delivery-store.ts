import type { WebhookDelivery, WebhookDeliveryStore } from "@pursuit/core";
import { and, asc, eq, lte, sql } from "drizzle-orm";
import { fencedWrite } from "./pg-fence.js";
import type { PgDatabase } from "./pg-goal-store.js";
import { webhookDeliveryTable } from "./pg-schema.js";

type Row = typeof webhookDeliveryTable.$inferSelect;
const toDelivery = ({ lastError, ...row }: Row): WebhookDelivery => (lastError === null ? row : { ...row, lastError });

/** Webhook deliveries in PostgreSQL: added before their first attempt, updated after each. */
export class PgWebhookDeliveryStore implements WebhookDeliveryStore {
  constructor(private readonly db: PgDatabase) {}

  async add(delivery: WebhookDelivery): Promise<void> {
    await fencedWrite(this.db, delivery.sessionID, (db) =>
      db.insert(webhookDeliveryTable).values({ ...delivery, lastError: delivery.lastError ?? null }),
    );
  }

  async pending(): Promise<WebhookDelivery[]> {
    const rows = await this.db
      .select()
      .from(webhookDeliveryTable)
      .where(eq(webhookDeliveryTable.state, "pending"))
      .orderBy(asc(webhookDeliveryTable.nextAt), asc(webhookDeliveryTable.id));
    return rows.map(toDelivery);
  }

  async claim(id: string, now: number, until: number): Promise<boolean> {
    const claimed = await this.db
      .update(webhookDeliveryTable)
      .set({ nextAt: until })
      .where(
        and(
          eq(webhookDeliveryTable.id, id),
          eq(webhookDeliveryTable.state, "pending"),
          lte(webhookDeliveryTable.nextAt, now),
        ),
      )
      .returning({ id: webhookDeliveryTable.id });
    return claimed.length > 0;
  }

  async attempted(
    id: string,
    outcome: Pick<WebhookDelivery, "attempts" | "nextAt" | "state"> & { lastError?: string },
  ): Promise<void> {
    await this.db
      .update(webhookDeliveryTable)
      .set({ ...outcome, lastError: outcome.lastError ?? sql`${webhookDeliveryTable.lastError}` })
      .where(eq(webhookDeliveryTable.id, id));
  }

  /** Every delivery of a session, oldest first (for people and tests). */
  async ofSession(sessionID: string): Promise<WebhookDelivery[]> {
    const rows = await this.db
      .select()
      .from(webhookDeliveryTable)
      .where(eq(webhookDeliveryTable.sessionID, sessionID))
      .orderBy(asc(webhookDeliveryTable.createdAt), asc(webhookDeliveryTable.id));
    return rows.map(toDelivery);
  }
}
