import { cadenceErrors, cronProblem, everyMs } from './cadence';

describe('everyMs', () => {
  it('reads a whole number and a unit', () => {
    expect(everyMs('30m')).toBe(30 * 60 * 1000);
    expect(everyMs('12h')).toBe(12 * 3600 * 1000);
    expect(everyMs('7d')).toBe(7 * 86400 * 1000);
    expect(everyMs('2w')).toBe(14 * 86400 * 1000);
  });

  it('refuses anything else', () => {
    for (const bad of ['0d', '7', 'd', '1.5h', '7 d', '-1d', '7s', '07d'])
      expect(everyMs(bad)).toBeUndefined();
  });
});

describe('cronProblem', () => {
  it('accepts values, ranges, lists, steps and names', () => {
    for (const ok of [
      '0 6 * * 1',
      '*/15 * * * *',
      '0 0 1,15 * *',
      '30 2 * JAN-MAR mon-fri',
      '0 0-23/2 * * SUN',
    ])
      expect(cronProblem(ok)).toBeNull();
  });

  it('names the field that is wrong', () => {
    expect(cronProblem('0 6 * *')).toMatch(/five fields/);
    expect(cronProblem('60 * * * *')).toMatch(/^minute values/);
    expect(cronProblem('0 24 * * *')).toMatch(/^hour values/);
    expect(cronProblem('0 0 0 * *')).toMatch(/^day-of-month values/);
    expect(cronProblem('0 0 * 13 *')).toMatch(/^month values/);
    expect(cronProblem('0 0 * * 7')).toMatch(/^day-of-week values/);
    expect(cronProblem('0 0 * * FOO')).toMatch(/^day-of-week field/);
    expect(cronProblem('*/0 * * * *')).toMatch(/step below 1/);
    expect(cronProblem('5-1 * * * *')).toMatch(/^minute values/);
  });
});

describe('cadenceErrors', () => {
  it('wants exactly one of every and cron', () => {
    expect(cadenceErrors({})).toEqual([{ field: 'every', reason: 'give every (e.g. 7d) or cron' }]);
    expect(cadenceErrors({ every: '7d', cron: '0 6 * * 1' })[0]?.field).toBe('cron');
    expect(cadenceErrors({ every: '7d' })).toEqual([]);
    expect(cadenceErrors({ cron: '0 6 * * 1' })).toEqual([]);
  });

  it('caps the interval at 366 days', () => {
    expect(cadenceErrors({ every: '366d' })).toEqual([]);
    expect(cadenceErrors({ every: '367d' })[0]?.reason).toMatch(/366 days/);
  });
});
