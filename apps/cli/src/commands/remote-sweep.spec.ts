import { ApiClient } from '../api-client';
import { UsageError, parseOptions } from '../args';
import { remoteSweepRequest } from './remote-sweep';

const base = [
  '--instrument',
  'demo:BTCUSDT',
  '--from',
  '2024-01-01',
  '--to',
  '2024-02-01T00:00:00Z',
  '--strategy',
  'sma-crossover',
  '--grid',
  'fast=5:15:5',
  '--grid',
  'slow=40,80',
];
const OPTIONS = {
  instrument: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  strategy: { type: 'string' },
  grid: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  constraint: { type: 'string', multiple: true },
  timeframe: { type: 'string' },
  objective: { type: 'string' },
  goal: { type: 'string' },
  commission: { type: 'string' },
  'min-trades': { type: 'string' },
} as const;
const request = (...extra: string[]) => remoteSweepRequest(parseOptions([...base, ...extra], OPTIONS));

describe('remoteSweepRequest', () => {
  it('turns the options into the API request, with the grid expanded into axes', () => {
    const r = request(
      '--param',
      'direction=long-only',
      '--constraint',
      'slow >= 4 * fast',
      '--min-trades',
      '3',
    );
    expect(r).toMatchObject({
      strategy: 'sma-crossover',
      instrument: 'demo:BTCUSDT',
      timeframe: '1m',
      from: '2024-01-01T00:00:00.000Z',
      to: '2024-02-01T00:00:00.000Z',
      initialCash: 10_000,
      fees: { commission: 0, fixedPerFill: 0, slippageBps: 0, spreadBps: 0 },
      semantics: 'gauntlet',
      fixed: { direction: 'long-only' },
      space: {
        kind: 'grid',
        axes: [
          { name: 'fast', values: [5, 10, 15] },
          { name: 'slow', values: [40, 80] },
        ],
      },
      objective: 'returnPct',
      direction: 'max',
      constraints: { minTrades: 3, params: ['slow >= 4 * fast'] },
    });
  });

  it('names the option at fault', () => {
    expect(() => request('--timeframe', '7m')).toThrow(
      new UsageError('--timeframe: expected one of 1m, 5m, 15m, 1h, 4h, 1d, got "7m"'),
    );
    expect(() => request('--objective', 'luck')).toThrow(/--objective: unknown metric "luck"/);
    expect(() => request('--goal', 'most')).toThrow(/--goal: expected max or min/);
    expect(() =>
      remoteSweepRequest(
        parseOptions(
          base.map((a) => (a === '2024-01-01' ? 'soon' : a)),
          OPTIONS,
        ),
      ),
    ).toThrow(/--from: "soon" is not an ISO 8601 time/);
  });
});

describe('ApiClient.fromEnvironment', () => {
  it('needs a key from the environment and a usable URL', () => {
    expect(() => ApiClient.fromEnvironment(undefined, {})).toThrow(/GAUNTLET_API_KEY is not set/);
    expect(() => ApiClient.fromEnvironment('ftp://x', { GAUNTLET_API_KEY: 'gk_x' })).toThrow(
      /must be an http or https URL/,
    );
    expect(ApiClient.fromEnvironment(undefined, { GAUNTLET_API_KEY: 'gk_x' }).url).toBe(
      'http://127.0.0.1:3000',
    );
    expect(
      ApiClient.fromEnvironment(undefined, {
        GAUNTLET_API_KEY: 'gk_x',
        GAUNTLET_API_URL: 'https://g.example/base/',
      }).url,
    ).toBe('https://g.example/base');
  });
});
