import { createHash } from 'node:crypto';
import { type JobKind } from '@gauntlet/contracts';

/**
 * JSON with object keys sorted at every depth, `undefined` members dropped and -0 written as 0,
 * so two inputs that mean the same thing serialise to the same bytes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot canonicalise non-finite number ${value}`);
    return JSON.stringify(Object.is(value, -0) ? 0 : value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`cannot canonicalise ${typeof value}`);
}

const KIND_PREFIX: Record<JobKind, string> = {
  backtest: 'bt',
  sweep: 'sw',
  'walk-forward': 'wf',
  'monte-carlo': 'mc',
  graduation: 'gr',
};

/**
 * A job's id from everything that determines its result (and who asked): the same user posting
 * the same input against the same data and engine gets the same job, whether the API or a
 * scheduled run in the worker creates it.
 */
export function deriveJobId(parts: {
  kind: JobKind;
  ownerId: string;
  input: object;
  dataVersion: string;
  engineVersion: string;
}): string {
  const digest = createHash('sha256')
    .update(
      canonicalJson({
        v: 1,
        kind: parts.kind,
        owner: parts.ownerId,
        input: parts.input,
        data: parts.dataVersion,
        engine: parts.engineVersion,
      }),
    )
    .digest('hex');
  return `${KIND_PREFIX[parts.kind]}_${digest.slice(0, 32)}`;
}
