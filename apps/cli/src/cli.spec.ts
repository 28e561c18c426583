import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, hasShared, sharedPath } from './test-utils/cli-harness';

interface PeerTrade {
  size: number;
  entryBar: number;
  exitBar: number;
  entryPrice: number;
  exitPrice: number;
}
interface PeerReference {
  'EURUSD_smacross_10_20_comm0.0002': {
    cash: number;
    commission: number;
    params: { n1: number; n2: number };
    equity_final: number;
    trades: PeerTrade[];
  };
  EURUSD_sweep: { best: { n1: number; n2: number; equity_final: number }; heatmap: Record<string, number> };
}

function relClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tolerance);
}

const describeShared = hasShared ? describe : describe.skip;
if (!hasShared) {
  console.warn(`gauntlet CLI end-to-end tests skipped: ${sharedPath()} is absent`);
}

describeShared('gauntlet backtest on EURUSD against backtesting.py', () => {
  const ref = hasShared
    ? (JSON.parse(
        readFileSync(sharedPath('reference', 'backtesting-py-smacross.json'), 'utf8'),
      ) as PeerReference)
    : undefined;
  const eurusd = sharedPath('data', 'backtesting-py', 'EURUSD.csv');

  it('matches the peer run of SMA(10)/SMA(20) with 0.02% commission', async () => {
    // The reference entry for n1=10, n2=20 on EURUSD was run with cash 10,000 and commission 0.0002.
    const peer = ref!['EURUSD_smacross_10_20_comm0.0002'];
    expect([peer.params.n1, peer.params.n2, peer.cash, peer.commission]).toEqual([10, 20, 10_000, 0.0002]);
    const out = await cli(
      'backtest',
      '--data',
      eurusd,
      '--strategy',
      'sma-crossover',
      '--semantics',
      'backtesting.py',
      '--param',
      'fast=10',
      '--param',
      'slow=20',
      '--cash',
      '10000',
      '--commission',
      '0.0002',
      '--json',
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as {
      metrics: { equityFinal: number; tradeCount: number; returnPct: number };
      trades: {
        side: string;
        size: number;
        entryBar: number;
        exitBar: number;
        entryPrice: number;
        exitPrice: number;
        entryTime: string;
      }[];
    };
    relClose(report.metrics.equityFinal, peer.equity_final, 1e-9);
    expect(report.metrics.tradeCount).toBe(peer.trades.length);
    expect(report.trades).toHaveLength(peer.trades.length);
    report.trades.forEach((t, i) => {
      const p = peer.trades[i]!;
      expect([t.side, t.size, t.entryBar, t.exitBar, t.entryPrice, t.exitPrice]).toEqual([
        p.size > 0 ? 'long' : 'short',
        Math.abs(p.size),
        p.entryBar,
        p.exitBar,
        p.entryPrice,
        p.exitPrice,
      ]);
    });
    expect(report.trades[0]!.entryTime).toBe('2017-04-20T22:00:00.000Z');
  });

  it('prints a readable report', async () => {
    const out = await cli(
      'backtest',
      '--data',
      eurusd,
      '--strategy',
      'sma-crossover',
      '--param',
      'fast=10',
      '--param',
      'slow=20',
      '--commission',
      '0.0002',
      '--semantics',
      'backtesting.py',
    );
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^sma-crossover {2}fast=10 slow=20 direction=long-short\n/);
    expect(out.stdout).toMatch(/Equity final\s+9,075\.42\n/);
    expect(out.stdout).toMatch(/Closed trades\s+262 \(\d+ long, \d+ short\)\n/);
  });

  it.each([
    ['in this process', '1'],
    ['on two threads', '2'],
  ])('sweeps the 75-cell peer grid %s and finds the same cells and best', async (_label, threads) => {
    const heatmap = ref!.EURUSD_sweep.heatmap;
    const out = await cli(
      'sweep',
      '--data',
      eurusd,
      '--strategy',
      'sma-crossover',
      '--grid',
      'fast=5:50:5',
      '--grid',
      'slow=10:100:10',
      '--constraint',
      'fast < slow',
      '--commission',
      '0.0002',
      '--semantics',
      'backtesting.py',
      '--threads',
      threads,
      '--json',
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout) as {
      cells: { params: { fast: number; slow: number }; metrics: { equityFinal: number } }[];
      best: { params: { fast: number; slow: number }; objective: number };
      excludedByConstraint: number;
    };
    expect(result.cells).toHaveLength(75);
    expect(result.excludedByConstraint).toBe(25);
    for (const cell of result.cells) {
      const expected = heatmap[`${cell.params.fast}_${cell.params.slow}`];
      expect(expected).toBeDefined();
      relClose(cell.metrics.equityFinal, expected!, 1e-9);
    }
    const best = ref!.EURUSD_sweep.best;
    expect([result.best.params.fast, result.best.params.slow]).toEqual([best.n1, best.n2]);
    relClose(result.best.objective, best.equity_final, 1e-9);
  });

  it('prints every cell and the best as text', async () => {
    const out = await cli(
      'sweep',
      '--data',
      eurusd,
      '--strategy',
      'sma-crossover',
      '--grid',
      'fast=10,20',
      '--grid',
      'slow=20,50',
      '--commission',
      '0.0002',
      '--semantics',
      'backtesting.py',
    );
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^sma-crossover on .*EURUSD\.csv: 3 cells of 4 \(1 excluded by constraints\), 1 thread, \d+ ms$/,
    );
    expect(lines[2]).toMatch(/^fast\s+slow\s+equityFinal\s+return\s+maxDD\s+trades\s+winRate\s+PF$/);
    expect(lines.filter((l) => /^(10|20)\s+(20|50)\s/.test(l))).toHaveLength(3);
    // From the peer's heat map: 10/20 gives 9,075.42, 10/50 and 20/50 must be compared to find the best.
    const heat = ref!.EURUSD_sweep.heatmap;
    const bestKey = ['10_20', '10_50', '20_50'].reduce((a, b) => (heat[b]! > heat[a]! ? b : a));
    const [f, s] = bestKey.split('_');
    expect(out.stdout).toContain(`best by equityFinal (max): fast=${f} slow=${s} → `);
  });
});

describe('gauntlet: mistakes get one line and a non-zero exit code', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gauntlet-cli-'));
    writeFileSync(
      join(dir, 'good.csv'),
      'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,10,12,9,11,100\n2024-01-01T01:00:00Z,11,12,10,11,100\n',
    );
    writeFileSync(
      join(dir, 'bad.csv'),
      'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,10,12,9,11,100\n2024-01-01T01:00:00Z,10,9.5,9,9.8,1\n2024-01-01T02:00:00Z,10,12,9,11,-1\n',
    );
    writeFileSync(join(dir, 'broken.json'), '[[1704067200000,1,2,0.5,1.5,10],\n [1704067260000,1,2,oops]]');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function fails(code: number, message: string | RegExp, ...argv: string[]): Promise<void> {
    const out = await cli(...argv);
    expect(out.code).toBe(code);
    expect(out.stdout).toBe('');
    expect(out.stderr.endsWith('\n')).toBe(true);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    if (typeof message === 'string') expect(out.stderr).toContain(message);
    else expect(out.stderr).toMatch(message);
  }

  const run = (data: string, ...more: string[]): string[] => [
    'backtest',
    '--data',
    data,
    '--strategy',
    'sma-crossover',
    ...more,
  ];

  it('names the file, line and column of a bad row', async () => {
    const bad = join(dir, 'bad.csv');
    await fails(
      1,
      `gauntlet backtest: ${bad}:3:3: high 9.5 is below max(open, close) 10 (and 1 more problem; --skip-invalid runs on the 1 valid rows)`,
      ...run(bad),
    );
  });

  it('names the line and column of a syntax error', async () => {
    const broken = join(dir, 'broken.json');
    await fails(1, `${broken}:2:21: expected a number, found "oops]]"`, ...run(broken));
  });

  it('says when the file is missing', async () => {
    await fails(
      1,
      `gauntlet backtest: ${join(dir, 'nope.csv')}: no such file`,
      ...run(join(dir, 'nope.csv')),
    );
  });

  it('names the parameter at fault', async () => {
    const good = join(dir, 'good.csv');
    await fails(
      2,
      'gauntlet backtest: --param fast: must be >= 1, got 0 (see gauntlet backtest --help)',
      ...run(good, '--param', 'fast=0'),
    );
    await fails(2, "--param fast: cannot read 'ten' as int", ...run(good, '--param', 'fast=ten'));
    await fails(2, '--param speed: unknown parameter of sma-crossover', ...run(good, '--param', 'speed=3'));
    await fails(2, /parameters: violates 'fast < slow'/, ...run(good, '--param', 'fast=30'));
    await fails(2, '--cash: must be > 0, got -5', ...run(good, '--cash', '-5'));
    await fails(
      2,
      '--semantics: expected gauntlet or backtesting.py, got "zipline"',
      ...run(good, '--semantics', 'zipline'),
    );
  });

  it('rejects unknown strategies, options and commands', async () => {
    const good = join(dir, 'good.csv');
    await fails(
      2,
      "--strategy: unknown strategy 'nope' (known: ",
      'backtest',
      '--data',
      good,
      '--strategy',
      'nope',
    );
    await fails(2, 'unknown option --fast', ...run(good, '--fast', '3'));
    await fails(2, '--data is required', 'backtest', '--strategy', 'sma-crossover');
    await fails(2, 'gauntlet: unknown command "bactest"', 'bactest');
  });

  it('rejects a bad grid, constraint or objective', async () => {
    const good = join(dir, 'good.csv');
    const sweep = (...more: string[]): string[] => [
      'sweep',
      '--data',
      good,
      '--strategy',
      'sma-crossover',
      ...more,
    ];
    await fails(2, 'gauntlet sweep: --grid slow: step must not be 0', ...sweep('--grid', 'slow=10:100:0'));
    await fails(
      2,
      '--constraint "fast << slow", column 7: unexpected "<"',
      ...sweep('--grid', 'fast=5:10:5', '--constraint', 'fast << slow'),
    );
    await fails(
      2,
      '--objective: unknown metric "profit"',
      ...sweep('--grid', 'fast=5:10:5', '--objective', 'profit'),
    );
    await fails(2, '--threads: must be >= 0, got -1', ...sweep('--grid', 'fast=5:10:5', '--threads', '-1'));
  });

  it('runs on the valid rows when asked to skip invalid ones', async () => {
    const out = await cli(
      ...run(join(dir, 'bad.csv'), '--skip-invalid', '--param', 'fast=1', '--param', 'slow=2', '--json'),
    );
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).metrics.bars).toBe(1);
  });

  it('prints help', async () => {
    const out = await cli('sweep', '--help');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Usage: gauntlet sweep/);
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: gauntlet <command>/);
  });
});
