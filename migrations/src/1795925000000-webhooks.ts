import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Outbound notifications: a user's webhooks (the signing secret stored only sealed with
 * `CredentialCipher`) and one delivery row per (webhook, event id). The unique pair is what makes
 * a repeated notification of the same event a no-op.
 */
export class Webhooks1795925000000 implements MigrationInterface {
  name = 'Webhooks1795925000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        url text NOT NULL,
        secret_encrypted text NOT NULL,
        events text[] NOT NULL,
        active boolean NOT NULL DEFAULT true,
        disabled_reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhooks_owner_idx ON webhooks (owner_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id bigserial PRIMARY KEY,
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        event_id text NOT NULL,
        kind text NOT NULL,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'retrying', 'delivered', 'failed', 'skipped')),
        attempts integer NOT NULL DEFAULT 0,
        response_status integer,
        last_error text,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (webhook_id, event_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_recent_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhooks`);
  }
}
