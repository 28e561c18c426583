import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sma } from './index';

/*
 * An independent check of the SMA's numerics: backtesting.py's SMA crossover (pandas rolling
 * means) is stop-and-reverse, so every bar where it opened or closed a trade is exactly one bar
 * after a strict crossover of the two averages. Averages that differ from pandas' by one ulp
 * where the two are equal would move, add or drop a crossover.
 */
const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared');
const REFERENCE = path.join(SHARED, 'reference', 'backtesting-py-smacross.json');

interface PeerRun {
  dataset: string;
  params: { n1: number; n2: number };
  trades: { entryBar: number; exitBar: number }[];
}

function readCloses(file: string): Float64Array {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const column = lines[0].split(',').indexOf('Close');
  return Float64Array.from(lines.slice(1), (line) => Number(line.split(',')[column]));
}

function crossoverBars(fast: Float64Array, slow: Float64Array): number[] {
  const bars: number[] = [];
  for (let i = 1; i < fast.length; i++) {
    const up = fast[i - 1] < slow[i - 1] && fast[i] > slow[i];
    const down = slow[i - 1] < fast[i - 1] && slow[i] > fast[i];
    if (up || down) bars.push(i);
  }
  return bars;
}

const present = existsSync(REFERENCE);
if (!present) {
  console.warn(`skipping the peer SMA check: ${REFERENCE} is absent (it lives beside the repository)`);
}
const runs: [string, PeerRun][] = present
  ? Object.entries(JSON.parse(readFileSync(REFERENCE, 'utf8')) as Record<string, PeerRun>).filter(
      ([, run]) => Array.isArray(run.trades) && run.trades.length > 0,
    )
  : [];

(present ? describe : describe.skip)('sma against backtesting.py crossovers', () => {
  it.each(runs)('%s: every peer fill is one bar after a crossover of our SMAs', (_name, run) => {
    const file = path.join(SHARED, 'data', 'backtesting-py', `${run.dataset.replace(/\.csv$/, '')}.csv`);
    const close = readCloses(file);
    const signals = crossoverBars(sma(close, run.params.n1), sma(close, run.params.n2)).filter(
      (i) => i + 1 < close.length,
    );
    const fills = new Set<number>();
    for (const t of run.trades) {
      fills.add(t.entryBar);
      fills.add(t.exitBar);
    }
    expect(signals.map((i) => i + 1)).toEqual([...fills].sort((a, b) => a - b));
  });
});
