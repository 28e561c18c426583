import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The notification outbox. A fill, a risk breach, a bot error or a graduation step is written here in the same
 * transaction that records it, keyed by its notification event id; the row is marked enqueued
 * once the notification queue has accepted it. Redis being away when the transaction commits
 * (or the worker dying just after) therefore delays a notification but never loses it.
 */
export class NotificationOutbox1795945000000 implements MigrationInterface {
  name = 'NotificationOutbox1795945000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_outbox (
        id text PRIMARY KEY,
        bot_id uuid REFERENCES bots (id) ON DELETE CASCADE,
        graduation_id uuid REFERENCES graduations (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('fill', 'risk-breach', 'bot-error', 'graduation-step')),
        owner_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        enqueued_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    await q.query(
      `CREATE INDEX notification_outbox_pending_idx ON notification_outbox (created_at, id) WHERE enqueued_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_outbox`);
  }
}
