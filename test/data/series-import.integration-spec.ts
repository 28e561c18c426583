import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TIMEFRAME_MS } from '@gauntlet/contracts';
import { createDataSource } from '@gauntlet/db';
import {
  barCoverage,
  importBarsFile,
  loadBars,
  loadFundingRates,
  registerArrowCodecs,
} from '@gauntlet/market-data';
import {
  Float64,
  RecordBatchFileWriter,
  Table,
  TimestampMillisecond,
  makeData,
  makeVector,
  tableFromIPC,
} from 'apache-arrow';
import { Client, Pool } from 'pg';
import { run } from '../../apps/cli/src/cli';
import { MIGRATIONS } from '../../migrations/src/index';
import { sharedDir, testDatabaseUrl, uniqueName } from '../support/env';

const futures = resolve(sharedDir, 'data', 'freqtrade', 'futures');
const haveShared = existsSync(futures);
if (!haveShared) console.warn(`skipping the real futures files: ${futures} is absent`);
const withShared = haveShared ? it : it.skip;

/** The file's own columns, read with apache-arrow alone (times as epoch ms). */
function arrowColumns(path: string): Record<string, number[]> {
  registerArrowCodecs(); // the files' batches are LZ4-compressed
  const table = tableFromIPC(readFileSync(path));
  const out: Record<string, number[]> = {};
  for (const f of table.schema.fields) {
    const col = table.getChild(f.name)!;
    out[f.name] = Array.from({ length: table.numRows }, (_, i) => {
      const v = col.get(i) as number | bigint;
      return typeof v === 'bigint' ? Number(v) : v;
    });
  }
  return out;
}

/** An Arrow file of funding rates: a millisecond timestamp column `date` and the rate in `open`. */
function fundingArrow(times: number[], rates: number[]): Uint8Array {
  const date = makeVector(
    makeData({
      type: new TimestampMillisecond('UTC'),
      length: times.length,
      nullCount: 0,
      data: BigInt64Array.from(times, (t) => BigInt(t)),
    }),
  );
  const open = makeVector(
    makeData({ type: new Float64(), length: rates.length, data: Float64Array.from(rates) }),
  );
  const writer = new RecordBatchFileWriter();
  writer.write(new Table({ date, open }));
  writer.finish();
  return writer.toUint8Array(true);
}

/** Funding-rate imports and bars imported at native timeframes, against a real PostgreSQL schema. */
describe('funding and native-timeframe imports', () => {
  const schema = uniqueName('ser');
  const url = testDatabaseUrl();
  let pool: Pool;
  let dir: string;
  const saved = { url: process.env['DATABASE_URL'], schema: process.env['DATABASE_SCHEMA'] };

  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
    });
    return { code, stdout, stderr };
  }

  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    (await pool.query<{ n: number }>(sql, params)).rows[0]!.n;

  beforeAll(async () => {
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    const ds = createDataSource({ url, schema, migrations: MIGRATIONS, poolSize: 1 });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    pool = new Pool({ connectionString: url, max: 2, options: `-c search_path=${schema} -c TimeZone=UTC` });
    process.env['DATABASE_URL'] = url;
    process.env['DATABASE_SCHEMA'] = schema;
    dir = await mkdtemp(join(tmpdir(), 'gauntlet-series-'));
  });

  afterAll(async () => {
    if (saved.url === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = saved.url;
    if (saved.schema === undefined) delete process.env['DATABASE_SCHEMA'];
    else process.env['DATABASE_SCHEMA'] = saved.schema;
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  withShared('imports a freqtrade funding-rate file; the same file again changes nothing', async () => {
    const file = join(futures, 'XRP_USDT_USDT-8h-funding_rate.feather');
    const expected = arrowColumns(file);
    const first = await cli(
      'data',
      'import',
      file,
      '--series',
      'funding',
      '--exchange',
      'binance',
      '--symbol',
      'XRP/USDT',
    );
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`imported ${expected['date']!.length} funding rates`);
    const stored = await pool.query<{ t: string; rate: number }>(
      `SELECT (extract(epoch FROM time) * 1000)::bigint AS t, rate FROM funding_rates
        WHERE instrument_id = 'binance:XRP/USDT' ORDER BY time`,
    );
    expect(stored.rows.map((r) => Number(r.t))).toEqual(expected['date']);
    expect(stored.rows.map((r) => r.rate)).toEqual(expected['open']);
    const instrument = await pool.query(
      `SELECT kind, quote_currency, data_version FROM instruments WHERE id = 'binance:XRP/USDT'`,
    );
    expect(instrument.rows[0]).toMatchObject({ kind: 'perpetual', quote_currency: 'USDT' });
    const version = instrument.rows[0].data_version as string;

    const again = await cli(
      'data',
      'import',
      file,
      '--series',
      'funding',
      '--exchange',
      'binance',
      '--symbol',
      'XRP/USDT',
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing changed');
    expect(
      await count(`SELECT count(*)::int AS n FROM imports WHERE instrument_id = 'binance:XRP/USDT'`),
    ).toBe(1);
    const after = await pool.query(`SELECT data_version FROM instruments WHERE id = 'binance:XRP/USDT'`);
    expect(after.rows[0].data_version).toBe(version);

    // Read back through the library's range query: [from, to) on the file's own times.
    const dates = expected['date']!;
    const range = await loadFundingRates(pool, schema, {
      instrumentId: 'binance:XRP/USDT',
      from: dates[1]!,
      to: dates[4]!,
    });
    expect(range.map((r) => Date.parse(r.time))).toEqual(dates.slice(1, 4));
  });

  it('reports every bad funding record and imports nothing, unless --skip-invalid', async () => {
    const h8 = 8 * 3600_000;
    const t0 = Date.UTC(2024, 0, 1);
    const file = join(dir, 'funding.feather');
    await writeFile(
      file,
      fundingArrow(
        [t0, t0 + h8, t0 + 2 * h8, t0 + h8, t0 + 3 * h8, t0 + 3 * h8, t0 + 4 * h8, t0 + 4 * h8],
        [0.0001, NaN, 0.0002, 0.0003, 0.0001, 0.0004, 5, -0.0001],
        // record 2: not a number; 4: earlier than record 3; 6: same time as 5, other rate;
        // 7: beyond ±100 %; 8 is good (7 was dropped, so 5 is its predecessor)
      ),
    );
    const refused = await cli(
      'data',
      'import',
      file,
      '--series',
      'funding',
      '--exchange',
      'test',
      '--symbol',
      'FUND',
    );
    expect(refused.code).toBe(1);
    const records = refused.stderr
      .split('\n')
      .filter((l) => l.startsWith(`${file}: record`))
      .map((l) => Number(/record (\d+)/.exec(l)![1]));
    expect(records).toEqual([2, 4, 6, 7]);
    expect(refused.stderr).toMatch(/nothing was imported/);
    expect(await count(`SELECT count(*)::int AS n FROM instruments WHERE id = 'test:FUND'`)).toBe(0);

    const kept = await cli(
      'data',
      'import',
      file,
      '--series',
      'funding',
      '--exchange',
      'test',
      '--symbol',
      'FUND',
      '--skip-invalid',
      '--json',
    );
    expect(kept.code).toBe(0);
    expect(JSON.parse(kept.stdout)).toMatchObject({ status: 'imported', imported: 4, skipped: 4 });
    const rows = await pool.query<{ t: string; rate: number }>(
      `SELECT (extract(epoch FROM time) * 1000)::bigint AS t, rate FROM funding_rates WHERE instrument_id = 'test:FUND' ORDER BY time`,
    );
    expect(rows.rows.map((r) => [Number(r.t), r.rate])).toEqual([
      [t0, 0.0001],
      [t0 + 2 * h8, 0.0002],
      [t0 + 3 * h8, 0.0001],
      [t0 + 4 * h8, -0.0001],
    ]);
  });

  withShared(
    'stores a 1-hour futures file as native 1h bars and serves them as the file has them',
    async () => {
      const file = join(futures, 'XRP_USDT_USDT-1h-futures.feather');
      const expected = arrowColumns(file);
      const n = expected['date']!.length;
      const wrong = await cli(
        'data',
        'import',
        file,
        '--exchange',
        'binance',
        '--symbol',
        'XRPUSDTP',
        '--timeframe',
        '5m',
      );
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('not a 5-minute file');
      const ok = await cli(
        'data',
        'import',
        file,
        '--exchange',
        'binance',
        '--symbol',
        'XRPUSDTP',
        '--timeframe',
        '1h',
      );
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM native_bars WHERE instrument_id = 'binance:XRPUSDTP' AND timeframe = '1h'`,
        ),
      ).toBe(n);
      expect(
        await count(`SELECT count(*)::int AS n FROM bars WHERE instrument_id = 'binance:XRPUSDTP'`),
      ).toBe(0);
      const again = await cli(
        'data',
        'import',
        file,
        '--exchange',
        'binance',
        '--symbol',
        'XRPUSDTP',
        '--timeframe',
        '1h',
      );
      expect(again.stdout).toContain('nothing changed');

      const first = expected['date']![0]!;
      const last = expected['date']![n - 1]!;
      const hourly = await loadBars(pool, schema, {
        instrumentId: 'binance:XRPUSDTP',
        timeframe: '1h',
        from: first,
        to: last + 3600_000,
      });
      expect(hourly.source).toBe('native-1h');
      expect(Array.from(hourly.bars.time)).toEqual(expected['date']);
      for (const f of ['open', 'high', 'low', 'close', 'volume'] as const)
        expect(Array.from(hourly.bars[f])).toEqual(expected[f]);

      // 4h from the native 1h bars, against a resampler written here: epoch-aligned buckets.
      const step = TIMEFRAME_MS['4h'];
      const buckets = new Map<number, { o: number; h: number; l: number; c: number; v: number }>();
      expected['date']!.forEach((t, i) => {
        const b = Math.floor(t / step) * step;
        const cur = buckets.get(b);
        const [o, h, l, c, v] = (['open', 'high', 'low', 'close', 'volume'] as const).map(
          (f) => expected[f]![i]!,
        );
        if (!cur) buckets.set(b, { o: o!, h: h!, l: l!, c: c!, v: v! });
        else
          buckets.set(b, { o: cur.o, h: Math.max(cur.h, h!), l: Math.min(cur.l, l!), c: c!, v: cur.v + v! });
      });
      const from = Math.ceil(first / step) * step; // buckets whose start lies in [from, to)
      const want = [...buckets.entries()].filter(([b]) => b >= from).sort((a, b) => a[0] - b[0]);
      const four = await loadBars(pool, schema, {
        instrumentId: 'binance:XRPUSDTP',
        timeframe: '4h',
        from: first,
        to: last + 3600_000,
      });
      expect(four.source).toBe('native-1h');
      expect(Array.from(four.bars.time)).toEqual(want.map(([b]) => b));
      expect(Array.from(four.bars.open)).toEqual(want.map(([, x]) => x.o));
      expect(Array.from(four.bars.high)).toEqual(want.map(([, x]) => x.h));
      expect(Array.from(four.bars.low)).toEqual(want.map(([, x]) => x.l));
      expect(Array.from(four.bars.close)).toEqual(want.map(([, x]) => x.c));
      four.bars.volume.forEach((v, i) => expect(v).toBeCloseTo(want[i]![1].v, 6));

      // Finer than anything stored: nothing, rather than invented bars.
      const minute = await loadBars(pool, schema, {
        instrumentId: 'binance:XRPUSDTP',
        timeframe: '15m',
        from: first,
        to: last,
      });
      expect(minute).toMatchObject({ source: null });
      expect(minute.bars.length).toBe(0);
    },
  );

  it('serves one source per instrument and timeframe, and reports coverage per timeframe with gaps', async () => {
    // Native 1h bars for 2024-03-01 00:00 … 09:00 with hours 03 and 04 missing.
    const hours = [0, 1, 2, 5, 6, 7, 8, 9];
    const hourFile = join(dir, 'hours.csv');
    await writeFile(
      hourFile,
      ['timestamp,open,high,low,close,volume']
        .concat(
          hours.map(
            (h) =>
              `${new Date(Date.UTC(2024, 2, 1, h)).toISOString()},${10 + h},${12 + h},${9 + h},${11 + h},${h + 1}`,
          ),
        )
        .join('\n'),
    );
    const r = await importBarsFile(pool, schema, {
      path: hourFile,
      exchange: 'test',
      symbol: 'MIX',
      timeframe: '1h',
    });
    expect(r).toMatchObject({ status: 'imported', imported: 8, series: 'bars', timeframe: '1h' });
    const before = await barCoverage(pool, schema, { instrumentId: 'test:MIX' });
    expect(before).toHaveLength(1);
    const tfs = before[0]!.timeframes;
    // Only 1h (as stored) and coarser timeframes it divides: 4h and 1d.
    expect(tfs.map((t) => [t.timeframe, t.source])).toEqual([
      ['1h', '1h'],
      ['4h', '1h'],
      ['1d', '1h'],
    ]);
    expect(tfs[0]).toMatchObject({
      firstBar: '2024-03-01T00:00:00.000Z',
      lastBar: '2024-03-01T09:00:00.000Z',
      barCount: 8,
      gaps: [{ from: '2024-03-01T03:00:00.000Z', to: '2024-03-01T05:00:00.000Z', missingBars: 2 }],
      gapsTruncated: false,
    });
    // 4h buckets 00, 04, 08 all hold a bar: no gap.
    expect(tfs[1]).toMatchObject({ barCount: 3, gaps: [] });
    expect(before[0]!.barCount).toBe(0);

    // Now 1-minute bars arrive for the same instrument: every timeframe comes from them alone.
    const minuteFile = join(dir, 'minutes.csv');
    await writeFile(
      minuteFile,
      ['timestamp,open,high,low,close,volume']
        .concat(
          [0, 1, 2, 10].map((m) => `${new Date(Date.UTC(2024, 2, 1, 0, m)).toISOString()},100,101,99,100,1`),
        )
        .join('\n'),
    );
    expect(
      (await importBarsFile(pool, schema, { path: minuteFile, exchange: 'test', symbol: 'MIX' })).status,
    ).toBe('imported');
    const hourly = await loadBars(pool, schema, {
      instrumentId: 'test:MIX',
      timeframe: '1h',
      from: Date.UTC(2024, 2, 1),
      to: Date.UTC(2024, 2, 2),
    });
    expect(hourly.source).toBe('1m');
    // One 1h bar from the four minutes, none of the native hours mixed in.
    expect(Array.from(hourly.bars.time)).toEqual([Date.UTC(2024, 2, 1)]);
    expect(Array.from(hourly.bars.volume)).toEqual([4]);

    const after = await barCoverage(pool, schema, { instrumentId: 'test:MIX' });
    const byTf = Object.fromEntries(after[0]!.timeframes.map((t) => [t.timeframe, t]));
    expect(Object.keys(byTf)).toEqual(['1m', '5m', '15m', '1h', '4h', '1d']);
    expect(after[0]!.timeframes.every((t) => t.source === '1m')).toBe(true);
    expect(byTf['1m']).toMatchObject({
      barCount: 4,
      gaps: [{ from: '2024-03-01T00:03:00.000Z', to: '2024-03-01T00:10:00.000Z', missingBars: 7 }],
    });
    // Minutes 0-2 fall in the 00:00 bucket and minute 10 in 00:10, so one 5m bar (00:05) is
    // missing — below the default threshold (runs of more than 1 missing bar) …
    expect(byTf['5m']).toMatchObject({ barCount: 2, gaps: [] });
    expect(byTf['15m']).toMatchObject({ barCount: 1, gaps: [] });
    const only5 = await barCoverage(pool, schema, {
      instrumentId: 'test:MIX',
      timeframes: ['5m'],
      minMissingBars: 0,
    });
    expect(only5[0]!.timeframes.map((t) => t.timeframe)).toEqual(['5m']);
    // … and reported with minMissingBars=0.
    expect(only5[0]!.timeframes[0]!.gaps).toEqual([
      { from: '2024-03-01T00:05:00.000Z', to: '2024-03-01T00:10:00.000Z', missingBars: 1 },
    ]);
  });
});
