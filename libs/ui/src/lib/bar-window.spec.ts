import { alignWindow, chooseTimeframe, coversView, MAX_CANDLES, windowFromPercent } from './bar-window';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('chooseTimeframe', () => {
  it('shows a year of minutes at 4h: 2,190 candles, where 1h would be 8,760', () => {
    expect(chooseTimeframe(365 * DAY)).toBe('4h');
  });

  it('picks the finest timeframe that fits, boundary included', () => {
    expect(chooseTimeframe(MAX_CANDLES * MINUTE)).toBe('1m');
    expect(chooseTimeframe(MAX_CANDLES * MINUTE + 1)).toBe('5m');
    expect(chooseTimeframe(7 * DAY)).toBe('5m'); // 2,016 five-minute candles
    expect(chooseTimeframe(20 * DAY)).toBe('15m'); // 1,920; five-minute would be 5,760
    expect(chooseTimeframe(30 * DAY)).toBe('1h'); // fifteen-minute would be 2,880
  });

  it('uses only the timeframes the instrument has', () => {
    expect(chooseTimeframe(DAY, ['1h', '1d'])).toBe('1h');
    expect(chooseTimeframe(10 * 365 * DAY, ['1h', '4h'])).toBe('4h');
  });

  it('falls back to the coarsest when even that is too many', () => {
    expect(chooseTimeframe(20 * 365 * DAY)).toBe('1d');
  });

  it('honours a smaller candle budget', () => {
    expect(chooseTimeframe(DAY, [], 100)).toBe('15m');
  });
});

describe('alignWindow', () => {
  it('widens to whole bars', () => {
    const t0 = Date.UTC(2024, 0, 1);
    expect(alignWindow({ from: t0 + 90 * MINUTE, to: t0 + 150 * MINUTE + 1 }, '1h')).toEqual({
      from: t0 + HOUR,
      to: t0 + 3 * HOUR,
    });
    expect(alignWindow({ from: t0, to: t0 + HOUR }, '1h')).toEqual({ from: t0, to: t0 + HOUR });
  });
});

describe('windowFromPercent', () => {
  const range = { from: 1_000, to: 2_000 };
  it('maps dataZoom percentages onto the range', () => {
    expect(windowFromPercent(range, 25, 50)).toEqual({ from: 1_250, to: 1_500 });
  });
  it('clamps and orders', () => {
    expect(windowFromPercent(range, 120, -5)).toEqual({ from: 1_000, to: 2_000 });
  });
});

describe('coversView', () => {
  const t0 = Date.UTC(2024, 0, 1);
  const loaded = { from: t0, to: t0 + 365 * DAY };
  it('needs no request for a view inside what was loaded at the same timeframe', () => {
    expect(coversView(loaded, '4h', { from: t0 + DAY, to: t0 + 300 * DAY })).toBe(true);
  });
  it('needs one when zooming in calls for a finer timeframe', () => {
    expect(coversView(loaded, '4h', { from: t0 + DAY, to: t0 + 30 * DAY })).toBe(false);
  });
  it('needs one when the view leaves what was loaded', () => {
    expect(
      coversView({ from: t0, to: t0 + 200 * DAY }, '4h', { from: t0 + 100 * DAY, to: t0 + 400 * DAY }),
    ).toBe(false);
  });
});
