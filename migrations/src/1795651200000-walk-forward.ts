import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Walk-forward folds (one row per fold, upserted so a retried activity never duplicates) and the stitched result. */
export class WalkForward1795651200000 implements MigrationInterface {
  name = 'WalkForward1795651200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE walk_forward_folds (
        job_id text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        fold_index integer NOT NULL CHECK (fold_index >= 0),
        fold jsonb NOT NULL,
        equity_arrow bytea NOT NULL,
        PRIMARY KEY (job_id, fold_index)
      )`);
    await q.query(`
      CREATE TABLE walk_forward_summaries (
        job_id text PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        summary jsonb NOT NULL,
        equity_arrow bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE walk_forward_summaries`);
    await q.query(`DROP TABLE walk_forward_folds`);
  }
}
