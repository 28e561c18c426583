import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Bars imported at a coarser native timeframe (a 1-hour file, say) and what each import was.
 * They are kept apart from the 1-minute `bars` because everything derived — continuous aggregates,
 * `date_bin` resampling, backtests — reads `bars` as one bar per minute. `imports` learns which
 * series (bars or funding rates) and timeframe an import wrote, so "the same file again" is judged
 * per series.
 */
export class NativeBars1795830000000 implements MigrationInterface {
  name = 'NativeBars1795830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE native_bars (
        instrument_id text NOT NULL,
        timeframe text NOT NULL CHECK (timeframe IN ('5m', '15m', '1h', '4h', '1d')),
        time timestamptz NOT NULL,
        open double precision NOT NULL,
        high double precision NOT NULL,
        low double precision NOT NULL,
        close double precision NOT NULL,
        volume double precision NOT NULL CHECK (volume >= 0),
        PRIMARY KEY (instrument_id, timeframe, time),
        CHECK (low <= high AND low <= open AND low <= close AND high >= open AND high >= close)
      )`);
    await q.query(`
      ALTER TABLE imports
        ADD COLUMN series text NOT NULL DEFAULT 'bars' CHECK (series IN ('bars', 'funding')),
        ADD COLUMN timeframe text`);
    await q.query(`UPDATE imports SET timeframe = '1m'`);
    await q.query(
      `ALTER TABLE imports ADD CONSTRAINT imports_timeframe_check CHECK ((series = 'bars') = (timeframe IS NOT NULL))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM imports WHERE series <> 'bars' OR timeframe <> '1m'`);
    await q.query(`ALTER TABLE imports DROP CONSTRAINT imports_timeframe_check`);
    await q.query(`ALTER TABLE imports DROP COLUMN timeframe, DROP COLUMN series`);
    await q.query(`DROP TABLE native_bars`);
  }
}
