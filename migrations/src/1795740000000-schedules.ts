import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Schedules (a walk-forward template re-run on a Temporal Schedule) and one row per scheduled run
 * with the parameters it proposes. A run's id is its workflow id, so a retried activity updates
 * the same row.
 */
export class Schedules1795740000000 implements MigrationInterface {
  name = 'Schedules1795740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE schedules (
        id text PRIMARY KEY,
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        template jsonb NOT NULL,
        lookback_days integer NOT NULL CHECK (lookback_days > 0),
        every text,
        cron text,
        paused boolean NOT NULL DEFAULT false,
        temporal_schedule_id text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((every IS NULL) <> (cron IS NULL))
      )`);
    await q.query(`CREATE INDEX schedules_owner_created_idx ON schedules (owner_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE schedule_runs (
        run_id text PRIMARY KEY,
        schedule_id text NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        job_id text REFERENCES jobs (id) ON DELETE SET NULL,
        range_from timestamptz,
        range_to timestamptz,
        data_version text,
        reused_job boolean,
        proposal jsonb,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX schedule_runs_schedule_started_idx ON schedule_runs (schedule_id, started_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE schedule_runs`);
    await q.query(`DROP TABLE schedules`);
  }
}
