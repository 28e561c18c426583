/**
 * Engine benchmark: prints one JSON line per figure, `{"name","value","unit"}`, on stdout
 * (notes go to stderr). Run with `npm run bench:engine`. Data is generated from a fixed seed;
 * EURUSD comes from ../shared/data when present.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComputePool } from '@gauntlet/compute';
import { type ParamValues } from '@gauntlet/contracts';
import { type BarSeries, runBacktest, runSweepCells } from '@gauntlet/engine';
import { type BarContext, type EventStrategy, type StrategyDefinition } from '@gauntlet/strategies';

const LARGE_BARS = 1_000_000;
const SINGLE_BARS = 5_000_000;
/**
 * Single runs before the measured ones: the engine's code is compiled, and the process grows to
 * its working memory (on a virtual machine the first runs spend tens of milliseconds a run in
 * the kernel, faulting in and zeroing pages the heap has not held before). Every run's time is
 * printed.
 */
const SINGLE_WARMUP = 8;
const ORDERS_BARS = 1_000_000;
const SEED = 20240611;

function emit(name: string, value: number, unit: string): void {
  process.stdout.write(`${JSON.stringify({ name, value: Number(value.toPrecision(6)), unit })}\n`);
}

function note(msg: string): void {
  process.stderr.write(`# ${msg}\n`);
}

/** Mulberry32: small, fast, seeded. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A geometric random walk of minute bars, in (optionally shared) typed arrays. */
function syntheticBars(n: number, seed: number, shared: boolean): BarSeries {
  const make = (): Float64Array =>
    shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n);
  const bars: BarSeries = {
    time: make(),
    open: make(),
    high: make(),
    low: make(),
    close: make(),
    volume: make(),
    length: n,
  };
  const r = rng(seed);
  let price = 100;
  const t0 = Date.UTC(2020, 0, 1);
  for (let i = 0; i < n; i++) {
    const open = price;
    // Sum of uniforms: roughly normal, enough for prices that wander.
    const z = r() + r() + r() - 1.5;
    const close = open * Math.exp(z * 0.002);
    const hi = Math.max(open, close) * (1 + r() * 0.001);
    const lo = Math.min(open, close) * (1 - r() * 0.001);
    bars.time[i] = t0 + i * 60_000;
    bars.open[i] = open;
    bars.high[i] = hi;
    bars.low[i] = lo;
    bars.close[i] = close;
    bars.volume[i] = 100 + Math.floor(r() * 1000);
    price = close;
  }
  return bars;
}

function loadEurusd(): BarSeries | undefined {
  // Compiled to dist/bench/, so the repository root is two levels up; also try the working directory.
  const rel = ['shared', 'data', 'backtesting-py', 'EURUSD.csv'];
  const candidates = [
    path.resolve(__dirname, '..', '..', '..', ...rel),
    path.resolve(process.cwd(), '..', ...rel),
  ];
  const found = candidates.find((f) => existsSync(f));
  if (!found) return undefined;
  const rows = readFileSync(found, 'utf8').trim().split(/\r?\n/).slice(1);
  const n = rows.length;
  const bars: BarSeries = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    length: n,
  };
  rows.forEach((row, i) => {
    const [ts, o, h, l, c, v] = row.split(',');
    bars.time[i] = Date.parse(`${(ts as string).replace(' ', 'T')}Z`);
    bars.open[i] = Number(o);
    bars.high[i] = Number(h);
    bars.low[i] = Number(l);
    bars.close[i] = Number(c);
    bars.volume[i] = Number(v);
  });
  return bars;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** A Donchian breakout entered with stop orders and a bracket (stop-loss stop, take-profit limit). */
class BreakoutOrders implements EventStrategy {
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  private k = 0;
  constructor(private readonly n: number) {
    this.highs = new Float64Array(n);
    this.lows = new Float64Array(n);
  }
  onBar(ctx: BarContext): void {
    this.highs[this.k % this.n] = ctx.high;
    this.lows[this.k % this.n] = ctx.low;
    this.k++;
    if (this.k < this.n || ctx.position.size !== 0) return;
    let hi = -Infinity;
    let lo = Infinity;
    for (let i = 0; i < this.n; i++) {
      if ((this.highs[i] as number) > hi) hi = this.highs[i] as number;
      if ((this.lows[i] as number) < lo) lo = this.lows[i] as number;
    }
    const range = hi - lo;
    ctx.buy({
      type: 'stop',
      stopPrice: hi,
      size: { kind: 'equity', fraction: 0.5 },
      stopLoss: { distance: range * 0.5 },
      takeProfit: { distance: range },
      tif: { bars: 1 },
      ocoGroup: 'entry',
    });
    ctx.sell({
      type: 'limit',
      limitPrice: hi + range * 0.1,
      size: { kind: 'equity', fraction: 0.5 },
      stopLoss: { distance: range * 0.5 },
      takeProfit: { distance: range },
      tif: { bars: 1 },
      ocoGroup: 'entry',
    });
  }
}

const breakoutOrders: StrategyDefinition = {
  descriptor: {
    id: 'bench-breakout-orders',
    name: 'Breakout with stop and limit orders',
    description: 'Benchmark strategy: stop entries, limit fades, bracket exits.',
    params: [{ name: 'n', type: 'int', description: 'Channel bars', default: 20, min: 2 }],
    constraints: [],
  },
  create: (p) => new BreakoutOrders(p['n'] as number),
};

function largeGrid(): ParamValues[] {
  const cells: ParamValues[] = [];
  for (let fast = 2; fast <= 41; fast++) {
    for (let slow = 50; slow <= 530; slow += 20) cells.push({ fast, slow });
  }
  return cells;
}

/**
 * The plain reference: bars as an array of objects, a running-sum SMA per cell, no shared
 * caches, one thread, the same trading rules (stop-and-reverse, all-in whole units, commission
 * on both sides, fills at the next open).
 */
function referenceSweepCell(
  bars: { open: number; close: number }[],
  fast: number,
  slow: number,
  cash0: number,
  commission: number,
): number {
  let cash = cash0;
  let pos = 0;
  let entry = 0;
  const fastWin: number[] = [];
  const slowWin: number[] = [];
  let fastSum = 0;
  let slowSum = 0;
  let prevFast = NaN;
  let prevSlow = NaN;
  let pending = 0;
  let equity = cash;
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i] as { open: number; close: number };
    if (pending !== 0) {
      if (pos !== 0) {
        cash += pos * (bar.open - entry) - Math.abs(pos) * bar.open * commission;
        pos = 0;
      }
      const units = Math.floor(cash / (bar.open * (1 + commission)));
      if (units > 0) {
        pos = pending * units;
        entry = bar.open;
        cash -= units * bar.open * commission;
      }
      pending = 0;
    }
    fastWin.push(bar.close);
    slowWin.push(bar.close);
    fastSum += bar.close;
    slowSum += bar.close;
    if (fastWin.length > fast) fastSum -= fastWin.shift() as number;
    if (slowWin.length > slow) slowSum -= slowWin.shift() as number;
    const f = fastWin.length === fast ? fastSum / fast : NaN;
    const s = slowWin.length === slow ? slowSum / slow : NaN;
    if (prevFast < prevSlow && f > s) pending = 1;
    else if (prevSlow < prevFast && s > f) pending = -1;
    prevFast = f;
    prevSlow = s;
    equity = cash + pos * (bar.close - entry);
  }
  return equity;
}

async function main(): Promise<void> {
  note(
    `node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? 'unknown'}), load ${os.loadavg()[0]?.toFixed(2)}`,
  );
  {
    // A yardstick for the machine's state: a plain sum is about 1 ns per element on an idle core.
    const xs = syntheticBars(1_000_000, SEED, false).close;
    const times: number[] = [];
    for (let rep = 0; rep < 9; rep++) {
      const t0 = performance.now();
      let acc = 0;
      for (let i = 0; i < xs.length; i++) acc += xs[i] as number;
      times.push(performance.now() - t0);
      if (acc === -1) note('unreachable');
    }
    note(
      `yardstick: plain Float64Array sum at ${((median(times) * 1e6) / xs.length).toFixed(2)} ns per element`,
    );
  }

  // single.sma-crossover: the vectorised path end to end (indicators, signals, kernel, equity).
  {
    const bars = syntheticBars(SINGLE_BARS, SEED, false);
    const times: number[] = [];
    for (let rep = 0; rep < SINGLE_WARMUP + 9; rep++) {
      const t0 = performance.now();
      const res = runBacktest({
        bars,
        strategyId: 'sma-crossover',
        params: { fast: 20, slow: 50 },
        config: { initialCash: 10_000, commission: 0.0002 },
      });
      times.push(performance.now() - t0);
      if (rep === 0) note(`single run: ${res.trades.length} trades, path ${res.path}`);
    }
    // Each run in order: the warm-up runs include compiling the engine's code and growing the
    // heap; they are printed but not counted.
    note(
      `single runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms (the first ${SINGLE_WARMUP} are warm-up)`,
    );
    emit(
      'single.sma-crossover.barsPerSec',
      SINGLE_BARS / (median(times.slice(SINGLE_WARMUP)) / 1000),
      'bars/s',
    );
  }

  // single.orders: the event loop with stop entries, limit entries and brackets.
  {
    const bars = syntheticBars(ORDERS_BARS, SEED + 1, false);
    const times: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      const res = runBacktest({
        bars,
        strategyId: breakoutOrders.descriptor.id,
        definition: breakoutOrders,
        params: { n: 20 },
        config: { initialCash: 10_000, commission: 0.0005, lotSize: 0.001 },
      });
      times.push(performance.now() - t0);
      if (rep === 0) note(`orders run: ${res.trades.length} trades, ${res.fills.length} fills`);
    }
    emit('single.orders.barsPerSec', ORDERS_BARS / (median(times) / 1000), 'bars/s');
  }

  // sweep.eurusd75: the peer's 75-cell grid, wall time of one runSweepCells call (fresh cache).
  const eurusd = loadEurusd();
  if (eurusd) {
    const cells: ParamValues[] = [];
    for (let n1 = 5; n1 <= 50; n1 += 5)
      for (let n2 = 10; n2 <= 100; n2 += 10) if (n1 < n2) cells.push({ fast: n1, slow: n2 });
    const config = { initialCash: 10_000, commission: 0.0002, semantics: 'backtesting.py' as const };
    for (let rep = 0; rep < 5; rep++) runSweepCells(eurusd, 'sma-crossover', cells, config);
    const times: number[] = [];
    let best = 0;
    for (let rep = 0; rep < 21; rep++) {
      const t0 = performance.now();
      const res = runSweepCells(eurusd, 'sma-crossover', cells, config);
      times.push(performance.now() - t0);
      best = Math.max(...res.map((r) => r.objective ?? -Infinity));
    }
    note(`eurusd75: ${cells.length} cells, best equity ${best}, min ${Math.min(...times).toFixed(2)} ms`);
    emit('sweep.eurusd75.ms', median(times), 'ms');
  } else {
    note('EURUSD.csv not found under ../shared/data; sweep.eurusd75.ms skipped');
  }

  // sweep.large: 1,000 combinations over 1,000,000 bars on the compute pool (one thread per core).
  {
    const bars = syntheticBars(LARGE_BARS, SEED + 2, true);
    const cells = largeGrid();
    const threads = Math.max(1, Math.min(2, os.cpus().length));
    const pool = new ComputePool({ size: threads });
    await pool.ready();
    const handle = pool.shareBars(bars);
    const config = { initialCash: 10_000, commission: 0.0002 };
    const t0 = performance.now();
    const results = await pool.runSweep(handle, { strategyId: 'sma-crossover', cells, config });
    const wall = (performance.now() - t0) / 1000;
    await pool.close();
    const evals = cells.length * LARGE_BARS;
    const best = results.reduce((a, r) => Math.max(a, r.objective ?? -Infinity), -Infinity);
    note(
      `large: ${cells.length} cells x ${LARGE_BARS} bars on ${threads} threads in ${wall.toFixed(2)} s ` +
        `(threads started and bars shared before the clock; best equity ${best.toFixed(2)})`,
    );
    const perCore = evals / wall / threads;
    emit('sweep.large.barEvalsPerSecPerCore', perCore, 'bar-evals/s');

    const objs = Array.from({ length: LARGE_BARS }, (_, i) => ({
      open: bars.open[i] as number,
      close: bars.close[i] as number,
    }));
    const subset = [cells[0], cells[333], cells[666], cells[999]] as ParamValues[];
    const r0 = performance.now();
    for (const c of subset)
      referenceSweepCell(objs, c['fast'] as number, c['slow'] as number, 10_000, 0.0002);
    const refSec = (performance.now() - r0) / 1000;
    const refRate = (subset.length * LARGE_BARS) / refSec;
    note(`reference: ${subset.length} of the ${cells.length} cells on one thread, scaled per bar-evaluation`);
    emit('sweep.large.reference.barEvalsPerSec', refRate, 'bar-evals/s');
    emit('sweep.large.speedup', evals / wall / refRate, 'x');
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
