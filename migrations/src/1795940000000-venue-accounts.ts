import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Exchange accounts a live bot trades through. The key and secret are stored only sealed
 * (AES-256-GCM, `CredentialCipher`); `base_url` points a test at a local fake venue and only an
 * admin may set it. A live bot names its account, which cannot be deleted while a bot uses it.
 */
export class VenueAccounts1795940000000 implements MigrationInterface {
  name = 'VenueAccounts1795940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE venue_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        venue text NOT NULL CHECK (venue IN ('bybit')),
        label text NOT NULL,
        testnet boolean NOT NULL DEFAULT false,
        base_url text,
        api_key_encrypted text NOT NULL,
        api_secret_encrypted text NOT NULL,
        api_key_hint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX venue_accounts_owner_idx ON venue_accounts (owner_id, created_at DESC)`);
    await q.query(
      `ALTER TABLE bots ADD COLUMN venue_account_id uuid REFERENCES venue_accounts (id) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE bots ADD CONSTRAINT bots_live_account_chk CHECK (mode = 'paper' OR venue_account_id IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE bots DROP CONSTRAINT bots_live_account_chk`);
    await q.query(`ALTER TABLE bots DROP COLUMN venue_account_id`);
    await q.query(`DROP TABLE venue_accounts`);
  }
}
