import { computeMetrics } from '@gauntlet/metrics';
import { runBacktest } from './run';
import { loadPeerCsv, loadPeerReference, type PeerRun } from './shared-data.test-utils';

test('quick', () => {
  const ref = loadPeerReference();
  for (const [name, r] of Object.entries(ref)) {
    if (!('trades' in r)) continue;
    const run = r as PeerRun;
    const bars = loadPeerCsv(run.dataset);
    const res = runBacktest({
      bars,
      strategyId: 'sma-crossover',
      params: { fast: run.params.n1, slow: run.params.n2 },
      config: { initialCash: run.cash, commission: run.commission, semantics: 'backtesting.py' },
    });
    const m = computeMetrics({
      time: res.time,
      equity: res.equity,
      trades: res.trades.map((t) => ({ ...t })),
      close: bars.close,
      firstTradingBar: res.warmupBars,
      feesPaid: res.feesPaid,
      convention: 'backtesting.py',
    });
    const s = run.stats;
    const pairs: [string, number | null, unknown][] = [
      ['Exposure Time [%]', m.exposurePct, s['Exposure Time [%]']],
      ['Equity Peak [$]', m.equityPeak, s['Equity Peak [$]']],
      ['Commissions [$]', m.feesPaid, s['Commissions [$]']],
      ['Return [%]', m.returnPct, s['Return [%]']],
      ['Buy & Hold Return [%]', m.buyAndHoldReturnPct, s['Buy & Hold Return [%]']],
      ['Return (Ann.) [%]', m.returnAnnualizedPct, s['Return (Ann.) [%]']],
      ['Volatility (Ann.) [%]', m.volatilityAnnualizedPct, s['Volatility (Ann.) [%]']],
      ['CAGR [%]', m.cagrPct, s['CAGR [%]']],
      ['Sharpe Ratio', m.sharpe, s['Sharpe Ratio']],
      ['Sortino Ratio', m.sortino, s['Sortino Ratio']],
      ['Calmar Ratio', m.calmar, s['Calmar Ratio']],
      ['Alpha [%]', m.alphaPct, s['Alpha [%]']],
      ['Beta', m.beta, s['Beta']],
      ['Max. Drawdown [%]', -m.maxDrawdownPct, s['Max. Drawdown [%]']],
      ['Avg. Drawdown [%]', -m.avgDrawdownPct, s['Avg. Drawdown [%]']],
      ['Max. Drawdown Duration', m.maxDrawdownDurationMs / 1000, s['Max. Drawdown Duration']],
      ['Avg. Drawdown Duration', m.avgDrawdownDurationMs / 1000, s['Avg. Drawdown Duration']],
      ['# Trades', m.tradeCount, s['# Trades']],
      ['Win Rate [%]', m.winRatePct, s['Win Rate [%]']],
      ['Best Trade [%]', m.bestTradePct, s['Best Trade [%]']],
      ['Worst Trade [%]', m.worstTradePct, s['Worst Trade [%]']],
      ['Avg. Trade [%]', m.avgTradePct, s['Avg. Trade [%]']],
      ['Max. Trade Duration', (m.maxHoldingMs ?? 0) / 1000, s['Max. Trade Duration']],
      ['Avg. Trade Duration', (m.avgHoldingMs ?? 0) / 1000, s['Avg. Trade Duration']],
      ['Profit Factor', m.profitFactor, s['Profit Factor']],
      ['Expectancy [%]', m.expectancyPct, s['Expectancy [%]']],
      ['SQN', m.sqn, s['SQN']],
      ['Kelly Criterion', m.kellyCriterion, s['Kelly Criterion']],
    ];
    console.log(
      name +
        '\n' +
        pairs
          .map(
            ([k, a, b]) =>
              `${k.padEnd(25)} ${String(a).padEnd(24)} ${String(b).padEnd(24)} ${a === b ? 'EXACT' : Math.abs(((a as number) - (b as number)) / (b as number)).toExponential(2)}`,
          )
          .join('\n'),
    );
  }
});
