import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The full results table of a sweep, one row per parameter combination. The key is
 * (job_id, cell_index) and the worker writes with an upsert, so a batch that is retried after a
 * worker dies rewrites its own rows instead of adding new ones. The summary row holds the report
 * the finishing activity computed from the table.
 */
export class SweepResults1795392000000 implements MigrationInterface {
  name = 'SweepResults1795392000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sweep_results (
        job_id text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        cell_index integer NOT NULL CHECK (cell_index >= 0),
        params jsonb NOT NULL,
        metrics jsonb NOT NULL,
        objective double precision,
        trade_count integer NOT NULL,
        passed boolean NOT NULL,
        error text,
        PRIMARY KEY (job_id, cell_index)
      )`);
    await q.query(
      `CREATE INDEX sweep_results_objective_idx ON sweep_results (job_id, objective DESC NULLS LAST)`,
    );
    await q.query(`
      CREATE TABLE sweep_summaries (
        job_id text PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        trials integer NOT NULL,
        summary jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sweep_summaries`);
    await q.query(`DROP TABLE sweep_results`);
  }
}
