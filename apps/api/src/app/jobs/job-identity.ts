import { createHash } from 'node:crypto';
import { type BacktestRequest, type JobKind, type ParamValues } from '@gauntlet/contracts';

/**
 * JSON with object keys sorted at every depth, `undefined` members dropped and -0 written as 0,
 * so two requests that mean the same thing serialise to the same bytes.
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

export interface CanonicalBacktestInput {
  strategy: string;
  params: ParamValues;
  instrument: string;
  timeframe: string;
  from: string;
  to: string;
  initialCash: number;
  fees: { commission: number; fixedPerFill: number; slippageBps: number; spreadBps: number };
  semantics: 'gauntlet' | 'backtesting.py';
}

/**
 * Fills every default and normalises every representation: timestamps become UTC ISO strings
 * with milliseconds, so `2024-01-01T00:00:00Z` and `2024-01-01T01:00:00+01:00` are one input.
 * `params` must already be resolved against the strategy's declared defaults.
 */
export function canonicalBacktestInput(
  req: BacktestRequest,
  resolvedParams: ParamValues,
): CanonicalBacktestInput {
  return {
    strategy: req.strategy,
    params: resolvedParams,
    instrument: req.instrument,
    timeframe: req.timeframe,
    from: new Date(req.from).toISOString(),
    to: new Date(req.to).toISOString(),
    initialCash: req.initialCash,
    fees: {
      commission: req.fees?.commission ?? 0,
      fixedPerFill: req.fees?.fixedPerFill ?? 0,
      slippageBps: req.fees?.slippageBps ?? 0,
      spreadBps: req.fees?.spreadBps ?? 0,
    },
    semantics: req.semantics ?? 'gauntlet',
  };
}

const KIND_PREFIX: Record<JobKind, string> = {
  backtest: 'bt',
  sweep: 'sw',
  'walk-forward': 'wf',
  'monte-carlo': 'mc',
  graduation: 'gr',
};

/**
 * The job id is a hash of everything that determines the result (and who asked): the same user
 * posting the same request against the same data and engine gets the same job.
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
