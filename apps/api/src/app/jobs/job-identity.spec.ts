import { type BacktestRequest } from '@gauntlet/contracts';
import { createHash } from 'node:crypto';
import { canonicalBacktestInput, canonicalJson, deriveJobId } from './job-identity';

const base: BacktestRequest = {
  strategy: 'sma-crossover',
  params: { fast: 10, slow: 30 },
  instrument: 'demo:BTCUSDT',
  timeframe: '1h',
  from: '2024-01-01T00:00:00Z',
  to: '2024-03-01T00:00:00Z',
  initialCash: 10000,
};

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"x":2,"z":1}]},"b":1}',
    );
  });

  it('writes -0 as 0 and keeps array order', () => {
    expect(canonicalJson([-0, 2, 1])).toBe('[0,2,1]');
  });

  it('refuses non-finite numbers rather than writing null', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
  });
});

describe('canonicalBacktestInput', () => {
  it('makes equivalent timestamps and omitted defaults identical', () => {
    const a = canonicalBacktestInput(base, { fast: 10, slow: 30, direction: 'long-short' });
    const b = canonicalBacktestInput(
      {
        ...base,
        from: '2024-01-01T01:00:00+01:00',
        to: '2024-03-01T00:00:00.000Z',
        fees: { commission: 0 },
        semantics: 'gauntlet',
      },
      { slow: 30, direction: 'long-short', fast: 10 },
    );
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(a.from).toBe('2024-01-01T00:00:00.000Z');
    expect(a.fees).toEqual({ commission: 0, fixedPerFill: 0, slippageBps: 0, spreadBps: 0 });
  });
});

describe('deriveJobId', () => {
  const input = canonicalBacktestInput(base, { fast: 10, slow: 30 });
  const parts = { kind: 'backtest' as const, ownerId: 'u1', input, dataVersion: 'd1', engineVersion: 'e1' };

  it('is the sha256 of the canonical envelope, prefixed by kind', () => {
    const envelope =
      '{"data":"d1","engine":"e1","input":' + canonicalJson(input) + ',"kind":"backtest","owner":"u1","v":1}';
    const expected = 'bt_' + createHash('sha256').update(envelope).digest('hex').slice(0, 32);
    expect(deriveJobId(parts)).toBe(expected);
  });

  it('changes with the owner, the data version, the engine version and any input field', () => {
    const id = deriveJobId(parts);
    expect(deriveJobId({ ...parts, ownerId: 'u2' })).not.toBe(id);
    expect(deriveJobId({ ...parts, dataVersion: 'd2' })).not.toBe(id);
    expect(deriveJobId({ ...parts, engineVersion: 'e2' })).not.toBe(id);
    expect(deriveJobId({ ...parts, input: { ...input, initialCash: 10001 } })).not.toBe(id);
  });
});
