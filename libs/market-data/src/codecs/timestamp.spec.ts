import {
  daysFromCivil,
  epochToMs,
  formatTimestamp,
  guessEpochUnit,
  parseIsoTimestamp,
  timestampFormatter,
} from './timestamp';

describe('parseIsoTimestamp', () => {
  it.each([
    ['2017-04-19', Date.UTC(2017, 3, 19)],
    ['2017-04-19 09:00:00', Date.UTC(2017, 3, 19, 9)],
    ['2017-04-19T09:00:00', Date.UTC(2017, 3, 19, 9)],
    ['2017-04-19T09:00', Date.UTC(2017, 3, 19, 9)],
    ['2017-04-19T09:00:00Z', Date.UTC(2017, 3, 19, 9)],
    ['2017-04-19T09:00:00.250Z', Date.UTC(2017, 3, 19, 9, 0, 0, 250)],
    ['2017-04-19T09:00:00.5', Date.UTC(2017, 3, 19, 9, 0, 0, 500)],
    ['2017-04-19 09:00:00+00:00', Date.UTC(2017, 3, 19, 9)],
    ['2017-04-19T11:30:00+02:30', Date.UTC(2017, 3, 19, 9)],
    ['2017-04-19T04:00:00-0500', Date.UTC(2017, 3, 19, 9)],
    ['2017-04-19T10:00:00+01', Date.UTC(2017, 3, 19, 9)],
    ['2024-02-29T23:59:59Z', Date.UTC(2024, 1, 29, 23, 59, 59)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['1969-12-31T23:00:00Z', -3_600_000],
  ])('reads %s', (text, expected) => {
    expect(parseIsoTimestamp(text)).toBe(expected);
  });

  it.each([
    '2017-4-19',
    '2017-13-01',
    '2017-02-29',
    '1900-02-29',
    '2017-04-31',
    '2017-04-19T24:00:00',
    '2017-04-19T09:60:00',
    '2017-04-19T09:00:61',
    '2017-04-19T09:00:00.',
    '2017-04-19X09:00:00',
    '2017-04-19T09:00:00+25:00',
    '2017-04-19T09:00:00 junk',
    'yesterday',
    '',
  ])('rejects %j', (text) => {
    expect(parseIsoTimestamp(text)).toBeNaN();
  });

  it('agrees with Date for every day of a leap and a common year', () => {
    for (const year of [2023, 2024]) {
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
        const iso = new Date(t).toISOString();
        expect(parseIsoTimestamp(iso)).toBe(t);
        expect(
          daysFromCivil(year, new Date(t).getUTCMonth() + 1, new Date(t).getUTCDate()) * 86_400_000,
        ).toBe(t);
      }
    }
  });
});

describe('epoch units', () => {
  it('guesses the unit from the magnitude of a present-day instant', () => {
    expect(guessEpochUnit(1_700_000_000)).toBe('s');
    expect(guessEpochUnit(1_700_000_000_000)).toBe('ms');
    expect(guessEpochUnit(1_700_000_000_000_000)).toBe('us');
    expect(guessEpochUnit(1.7e18)).toBe('ns');
    expect(epochToMs(1_700_000_000, 's')).toBe(1_700_000_000_000);
    expect(epochToMs(1_700_000_000_000_000, 'us')).toBe(1_700_000_000_000);
  });
});

describe('formatTimestamp', () => {
  it('writes ISO, pandas and date forms', () => {
    const t = Date.UTC(2017, 3, 19, 9, 5, 7);
    expect(formatTimestamp(t)).toBe('2017-04-19T09:05:07Z');
    expect(formatTimestamp(t + 42, 'iso')).toBe('2017-04-19T09:05:07.042Z');
    expect(formatTimestamp(t, 'pandas')).toBe('2017-04-19 09:05:07');
    expect(formatTimestamp(t, 'date')).toBe('2017-04-19');
  });
});

describe('parseIsoTimestamp on part of a string', () => {
  it('reads only the given range, ignoring spaces around it', () => {
    const line = 'x, 2017-04-19 09:00:00 ,1.07';
    expect(parseIsoTimestamp(line, 2, 23)).toBe(Date.UTC(2017, 3, 19, 9));
    expect(parseIsoTimestamp('2017-04-19T09:00:00Z,1', 0, 20)).toBe(Date.UTC(2017, 3, 19, 9));
    // The range ends inside the seconds: the digits after it must not be read.
    expect(parseIsoTimestamp('2017-04-19T09:00:0012', 0, 18)).toBeNaN();
    expect(parseIsoTimestamp('2017-04-19T09:00:00+0130', 0, 23)).toBeNaN();
    expect(parseIsoTimestamp('2017-04-19T09:00:00+0130', 0, 22)).toBe(Date.UTC(2017, 3, 19, 8));
  });
});

describe('timestampFormatter', () => {
  it('agrees with formatTimestamp across days, with and without milliseconds', () => {
    for (const style of ['iso', 'pandas', 'date'] as const) {
      const f = timestampFormatter(style);
      for (let t = Date.UTC(2023, 11, 31, 22); t < Date.UTC(2024, 0, 1, 2); t += 7 * 60_000 + 250) {
        expect(f(t)).toBe(formatTimestamp(t, style));
      }
    }
  });
});
