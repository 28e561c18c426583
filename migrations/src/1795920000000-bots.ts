import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Trading bots: the bot, its orders (one row per client order id, so a resent order can never be
 * stored twice), its fills (unique per bot and venue fill id), its event log, and the paper
 * venue's whole state, written in the same transaction as the orders and fills it produced.
 */
export class Bots1795920000000 implements MigrationInterface {
  name = 'Bots1795920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bots (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        strategy text NOT NULL,
        params jsonb NOT NULL,
        instrument_id text NOT NULL REFERENCES instruments (id),
        mode text NOT NULL CHECK (mode IN ('paper', 'live')),
        capital double precision NOT NULL CHECK (capital > 0),
        risk_limits jsonb NOT NULL DEFAULT '{}',
        config jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('created', 'running', 'paused', 'stopped', 'killed')),
        reason text,
        workflow_id text NOT NULL UNIQUE,
        runtime jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX bots_owner_created_idx ON bots (owner_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE bot_orders (
        bot_id uuid NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
        client_order_id text NOT NULL UNIQUE,
        seq integer NOT NULL,
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        type text NOT NULL CHECK (type IN ('market', 'limit')),
        qty double precision NOT NULL,
        price double precision,
        filled_qty double precision NOT NULL DEFAULT 0,
        avg_fill_price double precision,
        status text NOT NULL,
        venue_order_id text,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (bot_id, seq)
      )`);
    await q.query(`
      CREATE TABLE bot_fills (
        bot_id uuid NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
        fill_id text NOT NULL,
        client_order_id text NOT NULL,
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        qty double precision NOT NULL,
        price double precision NOT NULL,
        fee double precision NOT NULL,
        time timestamptz NOT NULL,
        PRIMARY KEY (bot_id, fill_id)
      )`);
    await q.query(`CREATE INDEX bot_fills_bot_time_idx ON bot_fills (bot_id, time)`);
    await q.query(`
      CREATE TABLE bot_events (
        bot_id uuid NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        time timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        message text NOT NULL,
        data jsonb,
        PRIMARY KEY (bot_id, seq)
      )`);
    await q.query(`
      CREATE TABLE paper_venues (
        bot_id uuid PRIMARY KEY REFERENCES bots (id) ON DELETE CASCADE,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE paper_venues`);
    await q.query(`DROP TABLE bot_events`);
    await q.query(`DROP TABLE bot_fills`);
    await q.query(`DROP TABLE bot_orders`);
    await q.query(`DROP TABLE bots`);
  }
}
