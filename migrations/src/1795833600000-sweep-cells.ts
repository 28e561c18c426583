import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The cells an adaptive sweep proposed, one row per cell, written by the round's proposal
 * activity before its batches run. A round is a pure function of the seed and the earlier
 * rounds' results, so a retried proposal writes the same rows (`ON CONFLICT DO NOTHING`).
 */
export class SweepCells1795833600000 implements MigrationInterface {
  name = 'SweepCells1795833600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sweep_cells (
        job_id text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        cell_index integer NOT NULL CHECK (cell_index >= 0),
        round integer NOT NULL CHECK (round >= 0),
        params jsonb NOT NULL,
        PRIMARY KEY (job_id, cell_index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sweep_cells`);
  }
}
