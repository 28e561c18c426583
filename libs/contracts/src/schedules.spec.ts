import { scheduledRange } from './schedules';

const DAY = 86_400_000;

describe('scheduledRange', () => {
  it('ends where the newest complete bar of the timeframe ends', () => {
    // The 23:59 minute completes the 23:00 hour, so the range ends at midnight.
    const lastMinute = Date.UTC(2024, 1, 29, 23, 59);
    expect(scheduledRange(lastMinute, '1h', 40 * DAY)).toEqual({
      from: Date.UTC(2024, 0, 21),
      to: Date.UTC(2024, 2, 1),
    });
  });

  it('leaves out a bucket that is still filling', () => {
    const lastMinute = Date.UTC(2024, 2, 2, 12, 29);
    expect(scheduledRange(lastMinute, '1h', DAY).to).toBe(Date.UTC(2024, 2, 2, 12));
    expect(scheduledRange(lastMinute, '4h', DAY).to).toBe(Date.UTC(2024, 2, 2, 12));
    expect(scheduledRange(lastMinute, '1d', DAY)).toEqual({
      from: Date.UTC(2024, 2, 1),
      to: Date.UTC(2024, 2, 2),
    });
    expect(scheduledRange(lastMinute, '1m', DAY).to).toBe(Date.UTC(2024, 2, 2, 12, 30));
  });
});
