import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Graduations from paper to live: the request (criteria, periods, capital ramp and the bot it
 * trades, fixed when requested), what the workflow found (evaluation, decision, the bots it
 * started) and a timeline of its steps, each recorded once under its key.
 */
export class Graduations1795942000000 implements MigrationInterface {
  name = 'Graduations1795942000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE graduations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        backtest_id text NOT NULL REFERENCES jobs (id),
        venue_account_id uuid NOT NULL REFERENCES venue_accounts (id),
        status text NOT NULL CHECK (status IN ('paper', 'evaluating', 'awaiting-approval', 'ramping',
          'live', 'failed', 'rejected', 'expired', 'demoted', 'ended', 'error')),
        reason text,
        criteria jsonb NOT NULL,
        periods jsonb NOT NULL,
        ramp_steps jsonb NOT NULL,
        target_capital double precision NOT NULL CHECK (target_capital > 0),
        paper_capital double precision NOT NULL CHECK (paper_capital > 0),
        capital_fraction double precision NOT NULL DEFAULT 0,
        bot_template jsonb NOT NULL,
        paper_bot_id uuid REFERENCES bots (id) ON DELETE SET NULL,
        live_bot_id uuid REFERENCES bots (id) ON DELETE SET NULL,
        demoted_bot_id uuid REFERENCES bots (id) ON DELETE SET NULL,
        evaluation jsonb,
        decision jsonb,
        workflow_id text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX graduations_owner_created_idx ON graduations (owner_id, created_at)`);
    await q.query(`
      CREATE TABLE graduation_steps (
        graduation_id uuid NOT NULL REFERENCES graduations (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        key text NOT NULL,
        step text NOT NULL,
        status text NOT NULL,
        message text NOT NULL,
        data jsonb,
        time timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (graduation_id, seq),
        UNIQUE (graduation_id, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE graduation_steps`);
    await q.query(`DROP TABLE graduations`);
  }
}
