import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDataSource } from '@gauntlet/db';
import { importBarsFile, readBarsFile } from '@gauntlet/market-data';
import { Client, Pool } from 'pg';
import { run } from '../../apps/cli/src/cli';
import { MIGRATIONS } from '../../migrations/src/index';
import { sharedDir, testDatabaseUrl, uniqueName } from '../support/env';

const freqtrade = resolve(sharedDir, 'data', 'freqtrade');
const haveShared = existsSync(freqtrade);
if (!haveShared) console.warn(`skipping the real-file imports: ${freqtrade} is absent`);
const withShared = haveShared ? it : it.skip;

/** `gauntlet data import` and the import service against a real PostgreSQL schema of its own. */
describe('data import', () => {
  const schema = uniqueName('imp');
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
    dir = await mkdtemp(join(tmpdir(), 'gauntlet-import-'));
  });

  afterAll(async () => {
    process.env['DATABASE_URL'] = saved.url;
    process.env['DATABASE_SCHEMA'] = saved.schema;
    if (saved.url === undefined) delete process.env['DATABASE_URL'];
    if (saved.schema === undefined) delete process.env['DATABASE_SCHEMA'];
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  withShared('imports a freqtrade JSON file; importing it again changes nothing', async () => {
    const file = join(freqtrade, 'UNITTEST_BTC-1m.json');
    const first = await cli('data', 'import', file, '--exchange', 'test', '--symbol', 'BTC/USDT');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // The data README: 13,681 candles.
    const stored = await count(`SELECT count(*)::int AS n FROM bars WHERE instrument_id = 'test:BTC/USDT'`);
    expect(stored).toBe(13_681);
    expect(first.stdout).toContain('imported 13681 bars');
    const instrument = await pool.query(
      `SELECT quote_currency, kind, data_version FROM instruments WHERE id = 'test:BTC/USDT'`,
    );
    expect(instrument.rows[0]).toMatchObject({ quote_currency: 'USDT', kind: 'spot' });
    const version = instrument.rows[0].data_version as string;
    expect(version).toMatch(/^[0-9a-f]{32}$/);

    const again = await cli('data', 'import', file, '--exchange', 'test', '--symbol', 'BTC/USDT');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing changed');
    expect(await count(`SELECT count(*)::int AS n FROM imports WHERE instrument_id = 'test:BTC/USDT'`)).toBe(
      1,
    );
    const after = await pool.query(`SELECT data_version FROM instruments WHERE id = 'test:BTC/USDT'`);
    expect(after.rows[0].data_version).toBe(version);
  });

  withShared('imports LZ4 Feather through the service with the same bars the codec reads', async () => {
    const file = join(freqtrade, 'XRP_ETH-1m.feather');
    const decoded = await readBarsFile(file);
    const result = await importBarsFile(pool, schema, { path: file, exchange: 'test', symbol: 'XRP_ETH' });
    expect(result.status).toBe('imported');
    expect(result.format).toBe('arrow');
    expect(result.imported).toBe(decoded.bars.length);
    expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const row = await pool.query(
      `SELECT min(time) AS first, max(time) AS last, count(*)::int AS n FROM bars WHERE instrument_id = 'test:XRP_ETH'`,
    );
    expect(row.rows[0].n).toBe(decoded.bars.length);
    expect((row.rows[0].first as Date).getTime()).toBe(decoded.bars.time[0]);
    expect((row.rows[0].last as Date).getTime()).toBe(decoded.bars.time[decoded.bars.length - 1]);
    const imports = await pool.query(
      `SELECT content_hash, format, rows FROM imports WHERE instrument_id = 'test:XRP_ETH'`,
    );
    expect(imports.rows).toEqual([
      { content_hash: result.contentHash, format: 'arrow', rows: decoded.bars.length },
    ]);
  });

  withShared('refuses a 5-minute file as 1-minute bars', async () => {
    const r = await cli(
      'data',
      'import',
      join(freqtrade, 'XRP_ETH-5m.feather'),
      '--exchange',
      'test',
      '--symbol',
      'X5',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a 1-minute file');
    expect(await count(`SELECT count(*)::int AS n FROM instruments WHERE id = 'test:X5'`)).toBe(0);
  });

  it('reports every bad row with its line and imports nothing, unless --skip-invalid', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(
      file,
      [
        'timestamp,open,high,low,close,volume',
        '2024-01-01T00:00:00Z,10,11,9,10.5,1', // line 2, good
        '2024-01-01T00:01:00Z,10,9,8,10.5,1', // line 3: high below open and close
        '2024-01-01T00:02:00Z,10,11,9,10.5,-2', // line 4: negative volume
        '2024-01-01T00:03:00Z,10,11,9,10.5,1', // line 5, good
        '2024-01-01T00:01:30Z,10,11,9,10.5,1', // line 6: time goes back
        '2024-01-01T00:03:00Z,10,12,9,10.5,1', // line 7: same time as line 5, other values
        '2024-01-01T00:04:00Z,10.5,11,10,10.75,3', // line 8, good
        '',
      ].join('\n'),
    );
    const refused = await cli('data', 'import', file, '--exchange', 'test', '--symbol', 'BADUSDT');
    expect(refused.code).toBe(1);
    const lines = refused.stderr
      .split('\n')
      .filter((l) => l.startsWith(`${file}:`))
      .map((l) => Number(l.slice(file.length + 1).split(':')[0]));
    expect(lines).toEqual([3, 4, 6, 7]);
    expect(refused.stderr).toMatch(/nothing was imported/);
    expect(await count(`SELECT count(*)::int AS n FROM instruments WHERE id = 'test:BADUSDT'`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM bars WHERE instrument_id = 'test:BADUSDT'`)).toBe(0);

    const json = await cli(
      'data',
      'import',
      file,
      '--exchange',
      'test',
      '--symbol',
      'BADUSDT',
      '--skip-invalid',
      '--json',
    );
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as { status: string; imported: number; skipped: number };
    expect(result).toMatchObject({ status: 'imported', imported: 3, skipped: 4 });
    const closes = await pool.query(
      `SELECT extract(epoch FROM time)::int AS t, close FROM bars WHERE instrument_id = 'test:BADUSDT' ORDER BY time`,
    );
    const t0 = Date.UTC(2024, 0, 1) / 1000;
    expect(closes.rows).toEqual([
      { t: t0, close: 10.5 },
      { t: t0 + 180, close: 10.5 },
      { t: t0 + 240, close: 10.75 },
    ]);
  });

  it('exports stored bars resampled, as CSV and Arrow', async () => {
    const file = join(dir, 'five.csv');
    const rows = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < 10; i++) {
      const t = new Date(Date.UTC(2024, 1, 1, 0, i)).toISOString();
      rows.push(`${t},${100 + i},${102 + i},${99 + i},${101 + i},${i + 1}`);
    }
    await writeFile(file, `${rows.join('\n')}\n`);
    expect((await cli('data', 'import', file, '--exchange', 'test', '--symbol', 'EXPUSDT')).code).toBe(0);
    const csv = join(dir, 'out.csv');
    const r = await cli(
      'data',
      'export',
      '--exchange',
      'test',
      '--symbol',
      'EXPUSDT',
      '--from',
      '2024-02-01',
      '--to',
      '2024-02-02',
      '--timeframe',
      '5m',
      '--format',
      'csv',
      '--out',
      csv,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const back = await readBarsFile(csv);
    // Minutes 0-4: open 100, high 106, low 99, close 105, volume 15; minutes 5-9: 105, 111, 104, 110, 40.
    expect(Array.from(back.bars.open)).toEqual([100, 105]);
    expect(Array.from(back.bars.high)).toEqual([106, 111]);
    expect(Array.from(back.bars.low)).toEqual([99, 104]);
    expect(Array.from(back.bars.close)).toEqual([105, 110]);
    expect(Array.from(back.bars.volume)).toEqual([15, 40]);
    const arrow = join(dir, 'out.arrow');
    const a = await cli(
      'data',
      'export',
      '--exchange',
      'test',
      '--symbol',
      'EXPUSDT',
      '--from',
      '2024-02-01',
      '--to',
      '2024-02-02',
      '--format',
      'arrow',
      '--out',
      arrow,
    );
    expect(a.code).toBe(0);
    expect((await readBarsFile(arrow)).bars.length).toBe(10);
  });
});
