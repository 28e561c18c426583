import { type BacktestRequest, type ParamValues } from '@gauntlet/contracts';

// One definition of a job's identity for every process that creates jobs (the API and the worker's
// scheduled runs), so the same input always maps to the same job.
export { canonicalJson, deriveJobId } from '@gauntlet/db';

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
