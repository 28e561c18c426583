import { type Page, type SweepResultRow } from '@gauntlet/contracts';
import { BarsRepository } from '@gauntlet/db';
import { runSweepCells } from '@gauntlet/engine';
import { Pool } from 'pg';
import { cli } from '../../apps/cli/src/test-utils/cli-harness';
import { ApiClient, AppStack, USERS } from '../support/app-stack';

/**
 * `gauntlet sweep --remote` against the real stack: the command line starts the sweep as a job
 * through the built API with an API key, waits for it and prints what the server computed —
 * which must equal the engine run locally over the same stored bars.
 */
const FROM = '2024-01-01T00:00:00.000Z';
const TO = '2024-01-08T00:00:00.000Z';
const FAST = [5, 10, 15];
const SLOW = [40, 80];

const args = [
  'sweep',
  '--remote',
  '--instrument',
  'demo:BTCUSDT',
  '--timeframe',
  '1m',
  '--from',
  FROM,
  '--to',
  TO,
  '--strategy',
  'sma-crossover',
  '--grid',
  'fast=5:15:5',
  '--grid',
  'slow=40,80',
  '--param',
  'direction=long-short',
  '--commission',
  '0.001',
  '--objective',
  'returnPct',
];

interface RemoteJson {
  jobId: string;
  created: boolean;
  status: string;
  trials: number;
  cells: Array<{ index: number; params: Record<string, unknown>; objective: number | null }>;
  best: { params: Record<string, unknown>; objective: number } | null;
}

describe('gauntlet sweep --remote', () => {
  const stack = new AppStack();
  let alice: ApiClient;
  let db: Pool;
  const saved = { key: process.env['GAUNTLET_API_KEY'], url: process.env['GAUNTLET_API_URL'] };

  beforeAll(async () => {
    await stack.setup({ demoBars: { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 0, 8) } });
    alice = await ApiClient.login(stack.apiUrl, USERS.alice);
    db = new Pool({ connectionString: stack.databaseUrl, max: 2, options: `-c search_path=${stack.schema}` });
    const key = await alice.json<{ key: string }>('POST', '/api/api-keys', { name: 'cli' });
    process.env['GAUNTLET_API_KEY'] = key.body.key;
    process.env['GAUNTLET_API_URL'] = stack.apiUrl;
  }, 180_000);

  afterAll(async () => {
    for (const [name, value] of [
      ['GAUNTLET_API_KEY', saved.key],
      ['GAUNTLET_API_URL', saved.url],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await db?.end();
    await stack.teardown();
  });

  it('runs the sweep on the server and prints what the engine computes on the same bars', async () => {
    const first = await cli(...args, '--json');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as RemoteJson;
    expect(out.status).toBe('completed');
    expect(out.created).toBe(true);
    expect(out.trials).toBe(FAST.length * SLOW.length);

    // The server's table is what the command printed, cell for cell.
    const table = await alice.json<Page<SweepResultRow>>('GET', `/api/sweeps/${out.jobId}/results?limit=100`);
    expect(out.cells.map((c) => [c.params, c.objective])).toEqual(
      table.body.items.map((r) => [r.params, r.objective]),
    );

    // The engine run here, over the bars the server stored, gives the same objective per cell.
    const bars = await new BarsRepository(db, stack.schema).load({
      instrumentId: 'demo:BTCUSDT',
      timeframe: '1m',
      from: Date.parse(FROM),
      to: Date.parse(TO),
    });
    const cells = FAST.flatMap((fast) => SLOW.map((slow) => ({ fast, slow, direction: 'long-short' })));
    const local = runSweepCells(
      bars,
      'sma-crossover',
      cells,
      { initialCash: 10_000, commission: 0.001, semantics: 'gauntlet', lotSize: 0.00001 },
      'returnPct',
    );
    const remoteByParams = new Map(
      out.cells.map((c) => [`${c.params['fast']}/${c.params['slow']}`, c.objective]),
    );
    for (const r of local)
      expect(remoteByParams.get(`${r.params['fast']}/${r.params['slow']}`)).toBe(r.objective);
    const best = local.reduce((b, r) => ((r.objective as number) > (b.objective as number) ? r : b));
    expect(out.best?.params).toEqual(best.params);

    // Running the same command again attaches to the same job instead of starting another.
    const again = await cli(...args, '--json');
    const second = JSON.parse(again.stdout) as RemoteJson;
    expect(second.jobId).toBe(out.jobId);
    expect(second.created).toBe(false);
  }, 240_000);

  it('prints a readable table and the best cell', async () => {
    const r = await cli(...args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sma-crossover on demo:BTCUSDT 1m .*: 6 cells/);
    expect(r.stdout).toMatch(/best by returnPct \(max\): fast=\d+ slow=\d+ → /);
    expect(r.stderr).toMatch(/^sweep sw_[0-9a-f]{32} already exists on http:\/\/127\.0\.0\.1:\d+\n$/);
  }, 120_000);

  it('reports what is wrong in one line, with exit code 2 for the request and 1 for the server', async () => {
    const invalid = await cli(...args.map((a) => (a === 'fast=5:15:5' ? 'nope=1,2' : a)));
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(
      /^gauntlet sweep: the API rejected the request: space\.axes\[0\]\.name: unknown parameter nope/,
    );

    // A swept value outside the parameter's declared range (fast ≥ 1) is refused, not dropped.
    const outOfRange = await cli(...args.map((a) => (a === 'fast=5:15:5' ? 'fast=0:10:5' : a)));
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toContain('space.axes[0].values[0]: must be >= 1, got 0');

    const missing = await cli('sweep', '--remote', '--strategy', 'sma-crossover', '--grid', 'fast=5:10:5');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--instrument is required/);

    const key = process.env['GAUNTLET_API_KEY'];
    process.env['GAUNTLET_API_KEY'] = 'gk_not-a-real-key-0000000000000000';
    try {
      const refused = await cli(...args);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/refused the key \(401\): check GAUNTLET_API_KEY\n$/);
      expect(refused.stderr).not.toContain('gk_not-a-real-key');
    } finally {
      process.env['GAUNTLET_API_KEY'] = key;
    }

    const down = await cli(...args, '--api', 'http://127.0.0.1:9');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the API at http:\/\/127\.0\.0\.1:9/);
  }, 60_000);
});
