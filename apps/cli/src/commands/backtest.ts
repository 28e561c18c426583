import { type EngineSemantics, type MetricsReport, type TradeDto } from '@gauntlet/contracts';
import {
  type BacktestResult,
  type EngineConfig,
  type TradeRecord,
  backtestReport,
  runBacktest,
} from '@gauntlet/engine';
import { type BarsFile } from '@gauntlet/market-data';
import {
  EXIT_OK,
  type OptionSpec,
  type ParsedOptions,
  UsageError,
  flag,
  keyValues,
  numberOption,
  optionalString,
  parseOptions,
  requireString,
  stringList,
} from '../args';
import { type CliContext } from '../context';
import { loadBars, loadFunding } from '../data';
import { duration, money, pct, plain, ratio, renderPairs, renderTable, when } from '../format';
import { defaults, requireStrategyOption, showParams, typedParams, validateAll } from '../params';

export const BACKTEST_HELP = `Usage: gauntlet backtest --data FILE --strategy ID [--param name=value ...] [options]

Runs one strategy with one parameter set over a local file of bars and prints its report.

  --data FILE          bars: CSV (backtesting.py's layout, or timestamp,open,high,low,close,volume),
                       freqtrade JSON, or Feather / Arrow IPC (LZ4 or ZSTD compressed); .gz is fine
  --strategy ID        a strategy id (gauntlet strategies lists them)
  --param name=value   a strategy parameter; repeat for each (others keep their defaults)
  --cash N             initial cash (default 10000)
  --commission C       relative fee per fill, as a fraction: 0.001 = 0.1% (default 0)
  --slippage-bps N     adverse slippage of market and stop fills, in basis points (default 0)
  --spread-bps N       full bid/ask spread in basis points (default 0)
  --fill-timing T      next-open (default) or close
  --semantics S        gauntlet (default) or backtesting.py (that engine's rules, for comparison)
  --funding FILE       perpetual funding rates (freqtrade's *-funding_rate.feather)
  --close-at-end       close open positions at the last bar's close
  --skip-invalid       run on the valid rows of a file that has invalid ones
  --trades             list every closed trade
  --json               print one JSON object: { metrics, trades, openTrades }
`;

/** Options shared by backtest and sweep: the data and the engine configuration. */
export const RUN_OPTIONS: Record<string, OptionSpec> = {
  data: { type: 'string' },
  strategy: { type: 'string' },
  param: { type: 'string', multiple: true },
  cash: { type: 'string' },
  commission: { type: 'string' },
  'slippage-bps': { type: 'string' },
  'spread-bps': { type: 'string' },
  'fill-timing': { type: 'string' },
  semantics: { type: 'string' },
  funding: { type: 'string' },
  'close-at-end': { type: 'boolean' },
  'skip-invalid': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const SEMANTICS: readonly EngineSemantics[] = ['gauntlet', 'backtesting.py'];

export async function engineConfig(values: ParsedOptions): Promise<EngineConfig> {
  const config: EngineConfig = {
    initialCash: numberOption(values, 'cash', 10_000, { min: 0, minExclusive: true }),
    commission: numberOption(values, 'commission', 0, { min: 0, max: 1 }),
  };
  const slippage = numberOption(values, 'slippage-bps', 0, { min: 0 });
  if (slippage > 0) config.slippageBps = slippage;
  const spread = numberOption(values, 'spread-bps', 0, { min: 0 });
  if (spread > 0) config.spreadBps = spread;
  const timing = optionalString(values, 'fill-timing');
  if (timing !== undefined) {
    if (timing !== 'next-open' && timing !== 'close') {
      throw new UsageError(`--fill-timing: expected next-open or close, got "${timing}"`);
    }
    config.fillTiming = timing;
  }
  const semantics = optionalString(values, 'semantics');
  if (semantics !== undefined) {
    if (!SEMANTICS.includes(semantics as EngineSemantics)) {
      throw new UsageError(`--semantics: expected ${SEMANTICS.join(' or ')}, got "${semantics}"`);
    }
    config.semantics = semantics as EngineSemantics;
  }
  if (flag(values, 'close-at-end')) config.closeAtEnd = true;
  const funding = optionalString(values, 'funding');
  if (funding !== undefined) {
    const rates = await loadFunding(funding);
    config.funding = { time: rates.time, rate: rates.rate };
  }
  return config;
}

export function toTradeDto(t: TradeRecord): TradeDto {
  return {
    side: t.side,
    size: t.size,
    entryBar: t.entryBar,
    exitBar: t.exitBar,
    entryTime: new Date(t.entryTime).toISOString(),
    exitTime: new Date(t.exitTime).toISOString(),
    entryPrice: t.entryPrice,
    exitPrice: t.exitPrice,
    pnl: t.pnl,
    returnPct: t.returnPct * 100,
    fees: t.fees,
  };
}

export async function backtestCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, { ...RUN_OPTIONS, trades: { type: 'boolean' } });
  if (flag(values, 'help')) {
    ctx.io.stdout.write(BACKTEST_HELP);
    return EXIT_OK;
  }
  const dataPath = requireString(values, 'data');
  const def = requireStrategyOption(requireString(values, 'strategy'));
  const params = { ...defaults(def), ...typedParams(def, keyValues(stringList(values, 'param'), 'param')) };
  validateAll(def, params);
  const config = await engineConfig(values);
  const file = await loadBars(dataPath, flag(values, 'skip-invalid'));

  const result = runBacktest({ bars: file.bars, strategyId: def.descriptor.id, params, config });
  const metrics = backtestReport(file.bars, result, config);
  if (flag(values, 'json')) {
    const out = {
      metrics,
      trades: result.trades.map(toTradeDto),
      openTrades: result.openTrades.map(toTradeDto),
    };
    ctx.io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return EXIT_OK;
  }
  ctx.io.stdout.write(
    textReport(def.descriptor.id, params, file, config, metrics, result, flag(values, 'trades')),
  );
  return EXIT_OK;
}

function textReport(
  strategyId: string,
  params: Record<string, unknown>,
  file: BarsFile,
  config: EngineConfig,
  m: MetricsReport,
  result: BacktestResult,
  listTrades: boolean,
): string {
  const bars = file.bars;
  const skipped = file.report.rows - file.report.valid - file.report.duplicates;
  const lines: string[] = [];
  lines.push(`${strategyId}  ${showParams(params as Record<string, string>)}`);
  lines.push(
    `data       ${file.path}  (${file.format}, ${bars.length} bars, ${when(bars.time[0]!)} → ${when(bars.time[bars.length - 1]!)} UTC${
      skipped > 0 ? `, ${skipped} invalid rows skipped` : ''
    })`,
  );
  lines.push(
    `engine     ${config.semantics ?? 'gauntlet'} semantics, cash ${money(config.initialCash)}, commission ${plain(config.commission ?? 0)}` +
      `${config.fillTiming ? `, fills at ${config.fillTiming}` : ''}`,
  );
  lines.push('');
  lines.push('Performance');
  lines.push(
    renderPairs([
      ['Equity final', money(m.equityFinal)],
      ['Equity peak', money(m.equityPeak)],
      ['Return', pct(m.returnPct)],
      ['Return (annualised)', pct(m.returnAnnualizedPct)],
      ['CAGR', pct(m.cagrPct)],
      ['Buy & hold return', pct(m.buyAndHoldReturnPct)],
      ['Volatility (annualised)', pct(m.volatilityAnnualizedPct)],
      ['Sharpe', ratio(m.sharpe)],
      ['Sortino', ratio(m.sortino)],
      ['Calmar', ratio(m.calmar)],
      ['Max drawdown', pct(m.maxDrawdownPct)],
      ['Max drawdown duration', duration(m.maxDrawdownDurationMs)],
      ['Exposure', pct(m.exposurePct)],
      ['Fees paid', money(m.feesPaid)],
      ...(m.fundingPaid !== 0 ? ([['Funding paid', money(m.fundingPaid)]] as [string, string][]) : []),
    ]),
  );
  const longs = result.trades.filter((t) => t.side === 'long').length;
  lines.push('Trades');
  lines.push(
    renderPairs([
      ['Closed trades', `${m.tradeCount} (${longs} long, ${result.trades.length - longs} short)`],
      ['Win rate', pct(m.winRatePct)],
      ['Best trade', pct(m.bestTradePct)],
      ['Worst trade', pct(m.worstTradePct)],
      ['Average trade', pct(m.avgTradePct)],
      ['Profit factor', ratio(m.profitFactor)],
      ['Expectancy', money(m.expectancy)],
      ['SQN', ratio(m.sqn, 2)],
      ['Average holding', duration(m.avgHoldingMs)],
    ]),
  );
  for (const t of result.openTrades) {
    lines.push(
      `  open at the end: ${t.side} ${plain(t.size)} from ${when(t.entryTime)} at ${plain(t.entryPrice)}, unrealised ${money(t.pnl)}`,
    );
  }
  if (listTrades && result.trades.length > 0) {
    lines.push('');
    const rows = [['#', 'side', 'size', 'entry', 'price', 'exit', 'price', 'pnl', 'return', 'fees']];
    result.trades.forEach((t, i) =>
      rows.push([
        String(i + 1),
        t.side,
        plain(t.size),
        when(t.entryTime),
        plain(t.entryPrice),
        when(t.exitTime),
        plain(t.exitPrice),
        money(t.pnl),
        pct(t.returnPct * 100),
        money(t.fees),
      ]),
    );
    lines.push(
      renderTable(rows, [
        'right',
        'left',
        'right',
        'left',
        'right',
        'left',
        'right',
        'right',
        'right',
        'right',
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}
