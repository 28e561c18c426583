import { createHash } from 'node:crypto';
import { canonicalJson, deriveJobId } from './job-identity';

describe('deriveJobId', () => {
  const input = { sweep: { to: '2024-03-01T00:00:00.000Z', from: '2024-01-01T00:00:00.000Z' }, folds: 4 };
  const parts = {
    kind: 'walk-forward' as const,
    ownerId: 'u1',
    input,
    dataVersion: 'd1',
    engineVersion: 'e1',
  };

  it('hashes the sorted envelope the API hashes', () => {
    const envelope =
      '{"data":"d1","engine":"e1","input":{"folds":4,"sweep":{"from":"2024-01-01T00:00:00.000Z","to":"2024-03-01T00:00:00.000Z"}},"kind":"walk-forward","owner":"u1","v":1}';
    expect(canonicalJson({ v: 1, kind: 'walk-forward', owner: 'u1', input, data: 'd1', engine: 'e1' })).toBe(
      envelope,
    );
    expect(deriveJobId(parts)).toBe('wf_' + createHash('sha256').update(envelope).digest('hex').slice(0, 32));
  });

  it('ignores key order and undefined members, and separates owners and data versions', () => {
    const id = deriveJobId(parts);
    expect(deriveJobId({ ...parts, input: { folds: 4, sweep: { ...input.sweep }, extra: undefined } })).toBe(
      id,
    );
    expect(deriveJobId({ ...parts, ownerId: 'u2' })).not.toBe(id);
    expect(deriveJobId({ ...parts, dataVersion: 'd2' })).not.toBe(id);
  });
});
