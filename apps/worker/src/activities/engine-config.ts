import { type EngineConfig } from '@gauntlet/engine';
import { type ParamValues, type Timeframe } from '@gauntlet/contracts';

/** The canonical backtest input as stored on the job row (see the API's job-identity). */
export interface CanonicalBacktestInputShape {
  strategy: string;
  params: ParamValues;
  instrument: string;
  timeframe: Timeframe;
  from: string;
  to: string;
  initialCash: number;
  fees: { commission: number; fixedPerFill: number; slippageBps: number; spreadBps: number };
  semantics: 'gauntlet' | 'backtesting.py';
}

export function toEngineConfig(input: CanonicalBacktestInputShape, lotSize: number): EngineConfig {
  return {
    initialCash: input.initialCash,
    commission: input.fees.commission,
    fixedFee: input.fees.fixedPerFill,
    slippageBps: input.fees.slippageBps,
    spreadBps: input.fees.spreadBps,
    semantics: input.semantics,
    // backtesting.py trades whole units; otherwise the venue's lot size applies.
    ...(input.semantics === 'gauntlet' ? { lotSize } : {}),
  };
}
