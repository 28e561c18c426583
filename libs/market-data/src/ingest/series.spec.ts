import { barsOfLength } from '../codecs/bar-series';
import { validateFundingRates } from './funding';
import { timeframeMismatch } from './import';
import { chooseBarsSource } from './native-bars';

const H = 3600_000;

describe('validateFundingRates', () => {
  const series = (time: number[], rate: number[]) => ({
    time: Float64Array.from(time),
    rate: Float64Array.from(rate),
    length: time.length,
  });

  it('keeps a clean series as it is', () => {
    const { rates, report } = validateFundingRates(series([0, 8 * H, 16 * H], [0.0001, -0.0002, 0]));
    expect(Array.from(rates.rate)).toEqual([0.0001, -0.0002, 0]);
    expect(report).toEqual({ rows: 3, valid: 3, duplicates: 0, position: 'record', errors: [] });
  });

  it('reports each bad record by number and reason, and drops exact repeats silently', () => {
    const { rates, report } = validateFundingRates(
      series(
        [0, 8 * H, 8 * H, 4 * H, NaN, 16 * H, 16 * H, 24 * H],
        [0.0001, 0.0002, 0.0002, 0.0001, 0.0001, Infinity, -1.5, 0.0003],
      ),
    );
    expect(report.errors.map((e) => [e.line, e.code])).toEqual([
      [4, 'time-order'],
      [5, 'non-finite'],
      [6, 'non-finite'],
      [7, 'rate-range'],
    ]);
    // Compared with the last record kept: record 3 repeated record 2 exactly and was dropped.
    expect(report.errors[0]!.reason).toContain('(record 2)');
    expect(report).toMatchObject({ rows: 8, valid: 3, duplicates: 1 });
    expect(Array.from(rates.time)).toEqual([0, 8 * H, 24 * H]);
  });

  it('calls a repeated time with another rate a duplicate', () => {
    const { report } = validateFundingRates(series([0, 0], [0.0001, 0.0002]));
    expect(report.errors).toEqual([expect.objectContaining({ line: 2, code: 'duplicate', field: 'time' })]);
  });
});

describe('timeframeMismatch', () => {
  const at = (times: number[]) => {
    const b = barsOfLength(times.length);
    b.time.set(times);
    return b;
  };

  it('accepts aligned bars one timeframe apart, gaps included', () => {
    expect(timeframeMismatch(at([0, H, 2 * H, 5 * H]), '1h')).toBeNull();
    expect(timeframeMismatch(at([4 * H]), '4h')).toBeNull();
  });

  it('refuses bars off the timeframe boundary', () => {
    expect(timeframeMismatch(at([0, H + 60_000]), '1h')).toMatch(/bar 2 .* not on a 1h boundary/);
  });

  it('refuses a finer or a coarser file', () => {
    expect(timeframeMismatch(at([0, 5 * 60_000]), '1h')).toMatch(/not on a 1h boundary/);
    expect(timeframeMismatch(at([0, 300_000, 600_000]), '1m')).toBe(
      'the closest bars are 5 minutes apart: this is not a 1-minute file',
    );
    expect(timeframeMismatch(at([0, 2 * H, 4 * H]), '1h')).toContain('not a 1-hour file');
  });
});

describe('chooseBarsSource', () => {
  it('prefers the 1-minute base whenever it exists', () => {
    expect(chooseBarsSource('1h', true, ['1h'])).toEqual({ kind: 'minute' });
    expect(chooseBarsSource('1m', true, [])).toEqual({ kind: 'minute' });
  });

  it('otherwise uses the timeframe itself, or the coarsest stored one that divides it', () => {
    expect(chooseBarsSource('1h', false, ['5m', '1h'])).toEqual({ kind: 'native', timeframe: '1h' });
    expect(chooseBarsSource('1d', false, ['5m', '15m'])).toEqual({ kind: 'native', timeframe: '15m' });
    expect(chooseBarsSource('4h', false, ['5m', '1d'])).toEqual({ kind: 'native', timeframe: '5m' });
  });

  it('never makes finer bars than are stored', () => {
    expect(chooseBarsSource('15m', false, ['1h'])).toBeNull();
    expect(chooseBarsSource('1m', false, ['5m'])).toBeNull();
    expect(chooseBarsSource('1h', false, [])).toBeNull();
  });
});
