import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { DEMO_INSTRUMENT_ID, DEMO_SYNTHETIC_OPTIONS } from './demo';
import {
  type BarChunk,
  type SyntheticBarsOptions,
  generateSyntheticBars,
  generateSyntheticSeries,
  syntheticBarCount,
} from './generator';

const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 0, 1);

/** SHA-256 of the columns laid end to end, whatever the chunking. */
function digest(chunks: Iterable<BarChunk>): string {
  const columns = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
  const hashes = columns.map(() => createHash('sha256'));
  for (const chunk of chunks) {
    columns.forEach((name, c) => {
      const column = chunk[name];
      hashes[c].update(Buffer.from(column.buffer, column.byteOffset, column.byteLength));
    });
  }
  return hashes.map((h) => h.digest('hex')).join(':');
}

function logReturns(series: BarChunk): Float64Array {
  const r = new Float64Array(series.length - 1);
  for (let i = 1; i < series.length; i++) r[i - 1] = Math.log(series.close[i] / series.close[i - 1]);
  return r;
}

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

function autocorrelation(x: Float64Array, lag: number): number {
  const m = mean(x);
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    den += (x[i] - m) ** 2;
    if (i >= lag) num += (x[i] - m) * (x[i - lag] - m);
  }
  return num / den;
}

function excessKurtosis(x: Float64Array): number {
  const m = mean(x);
  let m2 = 0;
  let m4 = 0;
  for (const v of x) {
    m2 += (v - m) ** 2;
    m4 += (v - m) ** 4;
  }
  m2 /= x.length;
  m4 /= x.length;
  return m4 / (m2 * m2) - 3;
}

const twoWeeks: SyntheticBarsOptions = {
  seed: 7,
  start: START,
  end: START + 14 * DAY_MS,
  startPrice: 42_000,
};

describe('generateSyntheticBars', () => {
  it('covers the demo year with one bar per minute: 366 days × 1440 = 527,040 bars', () => {
    expect(DEMO_INSTRUMENT_ID).toBe('demo:BTCUSDT');
    expect(syntheticBarCount(DEMO_SYNTHETIC_OPTIONS)).toBe(527_040);
  });

  it('is byte-identical for the same seed and differs for another seed', () => {
    const a = digest(generateSyntheticBars(twoWeeks));
    const b = digest(generateSyntheticBars(twoWeeks));
    const c = digest(generateSyntheticBars({ ...twoWeeks, seed: 8 }));
    const d = digest(generateSyntheticBars({ ...twoWeeks, seed: 'seven' }));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
  });

  it('does not depend on the chunk size', () => {
    const oneChunk = digest([generateSyntheticSeries(twoWeeks)]);
    expect(digest(generateSyntheticBars({ ...twoWeeks, chunkSize: 997 }))).toBe(oneChunk);
    expect(digest(generateSyntheticBars({ ...twoWeeks, chunkSize: 1 << 20 }))).toBe(oneChunk);
  });

  it('yields chunks of the requested size with contiguous minute timestamps', () => {
    // 2024-01-01T00:00:30Z rounds up to 00:01; 100 bars with a 7-bar chunk size: 14 × 7 + 2.
    const start = START + 30_000;
    const chunks = [
      ...generateSyntheticBars({ seed: 1, start, end: START + 101 * 60_000, startPrice: 100, chunkSize: 7 }),
    ];
    expect(chunks.map((c) => c.length)).toEqual([...Array<number>(14).fill(7), 2]);
    let expected = START + 60_000;
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i++) {
        expect(chunk.time[i]).toBe(expected);
        expected += 60_000;
      }
    }
    expect(expected).toBe(START + 101 * 60_000);
  });

  it('yields nothing for an empty range and accepts Date bounds', () => {
    expect([...generateSyntheticBars({ seed: 1, start: START, end: START, startPrice: 1 })]).toEqual([]);
    const series = generateSyntheticSeries({
      seed: 1,
      start: new Date(START),
      end: new Date(START + 3 * 60_000),
      startPrice: 1,
    });
    expect(Array.from(series.time)).toEqual([START, START + 60_000, START + 120_000]);
  });

  it('opens each bar at the previous close and starts at the start price', () => {
    const s = generateSyntheticSeries(twoWeeks);
    expect(s.open[0]).toBe(42_000);
    for (let i = 1; i < s.length; i++) expect(s.open[i]).toBe(s.close[i - 1]);
  });

  it('keeps every bar consistent and positive for any parameters', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.string()),
          startPrice: fc.double({ min: 1e-4, max: 1e6, noNaN: true }),
          annualVol: fc.double({ min: 0.01, max: 5, noNaN: true }),
          jumpsPerDay: fc.double({ min: 0, max: 200, noNaN: true }),
          jumpScale: fc.double({ min: 0, max: 0.2, noNaN: true }),
          annualDrift: fc.double({ min: -2, max: 2, noNaN: true }),
          bars: fc.integer({ min: 1, max: 600 }),
          priceDecimals: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
        }),
        ({ bars, ...params }) => {
          const s = generateSyntheticSeries({ ...params, start: START, end: START + bars * 60_000 });
          expect(s.length).toBe(bars);
          for (let i = 0; i < s.length; i++) {
            const { open, high, low, close, volume } = {
              open: s.open[i],
              high: s.high[i],
              low: s.low[i],
              close: s.close[i],
              volume: s.volume[i],
            };
            if (
              !(low > 0) ||
              !(low <= Math.min(open, close)) ||
              !(Math.max(open, close) <= high) ||
              !Number.isFinite(high) ||
              !(volume >= 0) ||
              !Number.isFinite(volume)
            ) {
              throw new Error(`bar ${i} inconsistent: o=${open} h=${high} l=${low} c=${close} v=${volume}`);
            }
          }
        },
      ),
      { numRuns: 150, seed: 20240101 },
    );
  });

  it('shows volatility clustering and fat tails', () => {
    const r = logReturns(generateSyntheticSeries({ ...twoWeeks, end: START + 28 * DAY_MS }));
    const absReturns = r.map(Math.abs);
    // Independent returns would give autocorrelations of |r| near 0 (±2/√n ≈ 0.01 here) and a
    // normal distribution an excess kurtosis of 0.
    const acf1 = autocorrelation(absReturns, 1);
    const acf60 = autocorrelation(absReturns, 60);
    const kurtosis = excessKurtosis(r);
    expect(acf1).toBeGreaterThan(0.05);
    expect(acf60).toBeGreaterThan(0.02);
    expect(kurtosis).toBeGreaterThan(1);
    // Raw returns, unlike their sizes, stay nearly uncorrelated.
    expect(Math.abs(autocorrelation(r, 1))).toBeLessThan(0.05);
  });

  it('produces jumps: moves beyond 2 % in a minute are common only when jumps are on', () => {
    const movesBeyond2Percent = (jumpsPerDay: number): number => {
      const r = logReturns(generateSyntheticSeries({ ...twoWeeks, jumpsPerDay, jumpScale: 0.02 }));
      return r.filter((x) => Math.abs(x) > 0.02).length;
    };
    // At 0.55 annual volatility a minute's standard deviation is ~0.08 %: 2 % is 25 of them.
    // Ten jumps a day at a 2 % scale: ~140 jumps in two weeks, P(|T₄| > 1) ≈ 0.37 of them beyond 2 %.
    expect(movesBeyond2Percent(0)).toBeLessThanOrEqual(2);
    expect(movesBeyond2Percent(10)).toBeGreaterThanOrEqual(20);
  });

  it('realises roughly the requested annual volatility over a year', () => {
    for (const annualVol of [0.3, 0.8]) {
      const r = logReturns(
        generateSyntheticSeries({
          seed: 3,
          start: START,
          end: START + 365 * DAY_MS,
          startPrice: 100,
          annualVol,
        }),
      );
      const m = mean(r);
      let v = 0;
      for (const x of r) v += (x - m) ** 2;
      const realised = Math.sqrt((v / r.length) * 525_600);
      expect(realised / annualVol).toBeGreaterThan(0.75);
      expect(realised / annualVol).toBeLessThan(1.3);
    }
  });

  it('trades more in the US session than in the quiet hours before Europe wakes', () => {
    const s = generateSyntheticSeries({ ...twoWeeks, end: START + 28 * DAY_MS });
    const byHour = new Float64Array(24);
    for (let i = 0; i < s.length; i++) byHour[new Date(s.time[i]).getUTCHours()] += s.volume[i];
    expect(byHour[14]).toBeGreaterThan(1.5 * byHour[4]);
  });

  it('rejects nonsensical options with a message naming the option', () => {
    const base = { seed: 1, start: START, end: START + 60_000, startPrice: 10 };
    const run = (o: SyntheticBarsOptions): BarChunk => generateSyntheticSeries(o);
    expect(() => run({ ...base, startPrice: 0 })).toThrow(/startPrice/);
    expect(() => run({ ...base, end: START - 60_000 })).toThrow(/end/);
    expect(() => run({ ...base, garchAlpha: 0.5, garchBeta: 0.5 })).toThrow(/garch/);
    expect(() => run({ ...base, annualVol: -1 })).toThrow(/annualVol/);
    expect(() => run({ ...base, start: Number.NaN })).toThrow(/start/);
    expect(() => run({ ...base, seed: 0.5 })).toThrow(/seed/);
  });

  it('generates the demo year quickly enough to seed on start-up', () => {
    const t0 = performance.now();
    let bars = 0;
    let last = 0;
    for (const chunk of generateSyntheticBars(DEMO_SYNTHETIC_OPTIONS)) {
      bars += chunk.length;
      last = chunk.close[chunk.length - 1];
    }
    const ms = performance.now() - t0;
    console.log(
      `synthetic demo year: ${bars} bars in ${ms.toFixed(0)} ms (${((bars / ms) * 1000).toFixed(0)} bars/s), last close ${last}`,
    );
    expect(bars).toBe(527_040);
  });
});
