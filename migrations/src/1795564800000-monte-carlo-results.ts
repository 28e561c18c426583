import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The summary of a Monte Carlo job: percentile bands and distributions, one row per job. */
export class MonteCarloResults1795564800000 implements MigrationInterface {
  name = 'MonteCarloResults1795564800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE monte_carlo_results (
        job_id text PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        result jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE monte_carlo_results`);
  }
}
