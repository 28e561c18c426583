import fc from 'fast-check';
import {
  AdxStream,
  AtrStream,
  BollingerStream,
  DonchianStream,
  EmaStream,
  HighestStream,
  KeltnerStream,
  LowestStream,
  MacdStream,
  ObvStream,
  RmaStream,
  RollingVwapStream,
  RsiStream,
  SmaStream,
  StdevStream,
  StochasticStream,
  SuperTrendStream,
  VwapStream,
  WmaStream,
  adx,
  atr,
  bollinger,
  donchian,
  ema,
  highest,
  keltner,
  lowest,
  macd,
  obv,
  rma,
  rollingVwap,
  rsi,
  sma,
  stdev,
  stochastic,
  supertrend,
  vwap,
  wma,
} from './index';
import {
  type Bars,
  PROPERTY_RUNS,
  barsArb,
  expectIdentical,
  periodArb,
  seriesArb,
} from './indicators.test-utils';

type Outputs = Record<string, Float64Array>;

interface Stepper {
  step(b: Bars, i: number): Record<string, number>;
  reset(): void;
}

interface Case {
  name: string;
  /** Three period-like integers drawn per run; each case uses what it needs. */
  vector(b: Bars, p: [number, number, number]): Outputs;
  /** A stream fed one bar at a time (`step`), returning its outputs by the same names. */
  stream(p: [number, number, number]): Stepper;
}

const single = (
  name: string,
  vector: (src: Float64Array, period: number) => Float64Array,
  make: (period: number) => { update(x: number): number; reset(): void },
): Case => ({
  name,
  vector: (b, [p]) => ({ value: vector(b.close, p) }),
  stream: ([p]) => {
    const s = make(p);
    return { step: (b, i) => ({ value: s.update(b.close[i]) }), reset: () => s.reset() };
  },
});

const CASES: Case[] = [
  single('sma', sma, (p) => new SmaStream(p)),
  single('ema', ema, (p) => new EmaStream(p)),
  single('rma', rma, (p) => new RmaStream(p)),
  single('wma', wma, (p) => new WmaStream(p)),
  single('rsi', rsi, (p) => new RsiStream(p)),
  single('stdev', stdev, (p) => new StdevStream(p)),
  single('highest', highest, (p) => new HighestStream(p)),
  single('lowest', lowest, (p) => new LowestStream(p)),
  {
    name: 'atr',
    vector: (b, [p]) => ({ value: atr(b.high, b.low, b.close, p) }),
    stream: ([p]) => {
      const s = new AtrStream(p);
      return {
        step: (b, i) => ({ value: s.update(b.high[i], b.low[i], b.close[i]) }),
        reset: () => s.reset(),
      };
    },
  },
  {
    name: 'bollinger',
    vector: (b, [p, m]) => ({ ...bollinger(b.close, p, m / 10) }),
    stream: ([p, m]) => {
      const s = new BollingerStream(p, m / 10);
      return { step: (b, i) => ({ ...s.update(b.close[i]) }), reset: () => s.reset() };
    },
  },
  {
    name: 'macd',
    vector: (b, [f, sl, sg]) => ({ ...macd(b.close, f, sl, sg) }),
    stream: ([f, sl, sg]) => {
      const s = new MacdStream(f, sl, sg);
      return { step: (b, i) => ({ ...s.update(b.close[i]) }), reset: () => s.reset() };
    },
  },
  {
    name: 'stochastic',
    vector: (b, [k, d, sm]) => ({ ...stochastic(b.high, b.low, b.close, k, d, 1 + (sm % 4)) }),
    stream: ([k, d, sm]) => {
      const s = new StochasticStream(k, d, 1 + (sm % 4));
      return { step: (b, i) => ({ ...s.update(b.high[i], b.low[i], b.close[i]) }), reset: () => s.reset() };
    },
  },
  {
    name: 'donchian',
    vector: (b, [p]) => ({ ...donchian(b.high, b.low, p) }),
    stream: ([p]) => {
      const s = new DonchianStream(p);
      return { step: (b, i) => ({ ...s.update(b.high[i], b.low[i]) }), reset: () => s.reset() };
    },
  },
  {
    name: 'adx',
    vector: (b, [p]) => ({ ...adx(b.high, b.low, b.close, p) }),
    stream: ([p]) => {
      const s = new AdxStream(p);
      return { step: (b, i) => ({ ...s.update(b.high[i], b.low[i], b.close[i]) }), reset: () => s.reset() };
    },
  },
  {
    name: 'keltner',
    vector: (b, [e, a, m]) => ({ ...keltner(b.high, b.low, b.close, e, a, m / 10) }),
    stream: ([e, a, m]) => {
      const s = new KeltnerStream(e, a, m / 10);
      return { step: (b, i) => ({ ...s.update(b.high[i], b.low[i], b.close[i]) }), reset: () => s.reset() };
    },
  },
  {
    name: 'supertrend',
    vector: (b, [p, m]) => ({ ...supertrend(b.high, b.low, b.close, p, m / 10) }),
    stream: ([p, m]) => {
      const s = new SuperTrendStream(p, m / 10);
      return { step: (b, i) => ({ ...s.update(b.high[i], b.low[i], b.close[i]) }), reset: () => s.reset() };
    },
  },
  {
    name: 'vwap',
    vector: (b, [h]) => ({ value: vwap(b.high, b.low, b.close, b.volume, b.time, h * 3_600_000) }),
    stream: ([h]) => {
      const s = new VwapStream(h * 3_600_000);
      return {
        step: (b, i) => ({ value: s.update(b.time[i], b.high[i], b.low[i], b.close[i], b.volume[i]) }),
        reset: () => s.reset(),
      };
    },
  },
  {
    name: 'rollingVwap',
    vector: (b, [p]) => ({ value: rollingVwap(b.high, b.low, b.close, b.volume, p) }),
    stream: ([p]) => {
      const s = new RollingVwapStream(p);
      return {
        step: (b, i) => ({ value: s.update(b.high[i], b.low[i], b.close[i], b.volume[i]) }),
        reset: () => s.reset(),
      };
    },
  },
  {
    name: 'obv',
    vector: (b) => ({ value: obv(b.close, b.volume) }),
    stream: () => {
      const s = new ObvStream();
      return { step: (b, i) => ({ value: s.update(b.close[i], b.volume[i]) }), reset: () => s.reset() };
    },
  },
];

const paramsArb = fc.tuple(periodArb, periodArb, periodArb);

function feed(stepper: Stepper, bars: Bars): Outputs {
  const n = bars.close.length;
  const out: Outputs = {};
  for (let i = 0; i < n; i++) {
    for (const [key, v] of Object.entries(stepper.step(bars, i))) {
      (out[key] ??= new Float64Array(n))[i] = v;
    }
  }
  return out;
}

describe.each(CASES)('$name', (c) => {
  it('streams exactly the values of the vectorised form', () => {
    fc.assert(
      fc.property(barsArb(), paramsArb, (bars, p) => {
        const vector = c.vector(bars, p);
        const streamed = feed(c.stream(p), bars);
        for (const key of Object.keys(vector)) {
          expectIdentical(streamed[key] ?? new Float64Array(0), vector[key], `${c.name}.${key}`);
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('never changes a value at bar i when bars after i change', () => {
    fc.assert(
      fc.property(barsArb(2), barsArb(1), paramsArb, fc.nat(), (bars, other, p, cut) => {
        const keep = cut % bars.close.length;
        const spliced: Bars = { ...bars };
        for (const key of Object.keys(bars) as (keyof Bars)[]) {
          const col = bars[key].slice();
          for (let i = keep + 1; i < col.length; i++) col[i] = other[key][i % other[key].length];
          spliced[key] = col;
        }
        // Time must stay increasing for the session VWAP.
        for (let i = keep + 1; i < spliced.time.length; i++) spliced.time[i] = spliced.time[i - 1] + 60_000;
        const a = c.vector(bars, p);
        const b = c.vector(spliced, p);
        for (const key of Object.keys(a)) {
          expectIdentical(b[key].subarray(0, keep + 1), a[key].subarray(0, keep + 1), `${c.name}.${key}`);
        }
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('single-series indicators with a leading NaN run', () => {
  const streams: [
    string,
    (s: Float64Array, p: number) => Float64Array,
    (p: number) => { update(x: number): number },
  ][] = [
    ['sma', sma, (p) => new SmaStream(p)],
    ['ema', ema, (p) => new EmaStream(p)],
    ['rma', rma, (p) => new RmaStream(p)],
    ['wma', wma, (p) => new WmaStream(p)],
    ['rsi', rsi, (p) => new RsiStream(p)],
    ['stdev', stdev, (p) => new StdevStream(p)],
  ];

  it.each(streams)(
    '%s starts its warm-up at the first value and streams the same values',
    (_name, vector, make) => {
      fc.assert(
        fc.property(seriesArb(), periodArb, (src, p) => {
          const v = vector(src, p);
          const s = make(p);
          const streamed = Float64Array.from(src, (x) => s.update(x));
          expectIdentical(streamed, v);
          let lead = 0;
          while (lead < src.length && Number.isNaN(src[lead])) lead++;
          const shifted = vector(src.subarray(lead), p);
          expectIdentical(v.subarray(lead), shifted);
        }),
        PROPERTY_RUNS,
      );
    },
  );
});

describe('reset', () => {
  it.each(CASES)('makes the $name stream start over as if new', (c) => {
    fc.assert(
      fc.property(barsArb(1, 80), barsArb(1, 80), paramsArb, (first, second, p) => {
        const used = c.stream(p);
        feed(used, first);
        used.reset();
        const again = feed(used, second);
        const fresh = feed(c.stream(p), second);
        for (const key of Object.keys(fresh)) expectIdentical(again[key], fresh[key], `${c.name}.${key}`);
      }),
      { numRuns: 50 },
    );
  });
});
