import { availableParallelism } from 'node:os';
import { type ParamValues } from '@gauntlet/contracts';
import { type SweepCellResult, type SweepObjective, runSweepCells } from '@gauntlet/engine';
import {
  type Constraint,
  ConstraintEvaluationError,
  ConstraintSyntaxError,
  type GridAxis,
  GridSpecError,
  gridSize,
  iterateGrid,
  parseConstraint,
  parseGrid,
} from '@gauntlet/research';
import { type StrategyDefinition, validateParams } from '@gauntlet/strategies';
import {
  EXIT_OK,
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
import { loadBars } from '../data';
import { SWEEP_METRIC_HEADER, plain, renderTable, sweepMetricCells } from '../format';
import { checkValue, defaults, requireStrategyOption, showParams, typedParams } from '../params';
import { RUN_OPTIONS, engineConfig } from './backtest';
import { remoteSweepCommand } from './remote-sweep';

export const SWEEP_HELP = `Usage: gauntlet sweep --data FILE --strategy ID --grid name=start:stop:step ... [options]

Runs a strategy over every combination of a parameter grid and prints each cell and the best.

  --grid name=a:b:s    a swept parameter: a to b inclusive in steps of s (a:b steps by 1);
                       or a list, name=x,y,z; repeat for each swept parameter
  --param name=value   a parameter held fixed in every cell
  --constraint EXPR    keep only cells where EXPR holds, e.g. 'fast < slow' or
                       'fast * 2 <= slow and direction == "long-short"'; repeatable
  --objective KEY      the figure to rank cells by (default equityFinal): any numeric metric,
                       e.g. returnPct, sharpe, maxDrawdownPct, profitFactor
  --goal max|min       whether the best cell has the highest or the lowest objective
                       (default max, min for drawdowns, volatility and fees)
  --threads N          worker threads (default 1: in this process; 0: one per CPU)
  --json               print one JSON object: { cells, best, ... }

Data and engine options are those of gauntlet backtest (--cash, --commission, --semantics, ...).
With --remote the sweep runs as a job on a Gauntlet server instead: gauntlet sweep --remote --help.
`;

const FAST_OBJECTIVES = [
  'equityFinal',
  'equityPeak',
  'returnPct',
  'maxDrawdownPct',
  'tradeCount',
  'winRatePct',
  'profitFactor',
  'feesPaid',
] as const satisfies readonly SweepObjective[];

const REPORT_OBJECTIVES = [
  'durationMs',
  'bars',
  'equityInitial',
  'returnAnnualizedPct',
  'cagrPct',
  'volatilityAnnualizedPct',
  'sharpe',
  'sortino',
  'calmar',
  'maxDrawdownDurationMs',
  'avgDrawdownPct',
  'avgDrawdownDurationMs',
  'ulcerIndex',
  'exposurePct',
  'bestTradePct',
  'worstTradePct',
  'avgTradePct',
  'expectancy',
  'expectancyPct',
  'sqn',
  'kellyCriterion',
  'avgHoldingMs',
  'maxHoldingMs',
  'buyAndHoldReturnPct',
  'alphaPct',
  'beta',
  'skew',
  'kurtosis',
  'tailRatio',
  'valueAtRisk95Pct',
  'conditionalValueAtRisk95Pct',
  'fundingPaid',
] as const satisfies readonly SweepObjective[];

const OBJECTIVES: ReadonlySet<string> = new Set<string>([...FAST_OBJECTIVES, ...REPORT_OBJECTIVES]);

const LOWER_IS_BETTER: ReadonlySet<string> = new Set([
  'maxDrawdownPct',
  'maxDrawdownDurationMs',
  'avgDrawdownPct',
  'avgDrawdownDurationMs',
  'ulcerIndex',
  'volatilityAnnualizedPct',
  'feesPaid',
  'fundingPaid',
]);

export interface SweepPlan {
  axes: GridAxis[];
  /** Every cell to run: defaults, fixed parameters and one grid combination each. */
  cells: ParamValues[];
  /** Combinations left out by --constraint. */
  excludedByConstraint: number;
  /** Combinations left out by the strategy's own constraints (e.g. fast < slow). */
  excludedByStrategy: number;
}

/**
 * Checks the grid against the strategy's declared parameters, then expands it. A value outside a
 * parameter's range is an error; a combination that breaks a constraint is left out and counted.
 */
export function planSweep(
  def: StrategyDefinition,
  gridSpecs: readonly string[],
  fixed: ParamValues,
  constraintTexts: readonly string[],
): SweepPlan {
  if (gridSpecs.length === 0) throw new UsageError('--grid is required (e.g. --grid fast=5:50:5)');
  let axes: GridAxis[];
  try {
    axes = parseGrid(gridSpecs);
  } catch (e) {
    if (e instanceof GridSpecError) throw new UsageError(`--${e.message}`);
    throw e;
  }
  const specs = new Map(def.descriptor.params.map((p) => [p.name, p]));
  for (const axis of axes) {
    const spec = specs.get(axis.name);
    if (!spec) {
      throw new UsageError(
        `--grid ${axis.name}: unknown parameter of ${def.descriptor.id} (known: ${[...specs.keys()].join(', ')})`,
      );
    }
    if (axis.name in fixed) throw new UsageError(`--grid ${axis.name}: also given as --param ${axis.name}`);
    for (const value of axis.values) {
      const reason = checkValue(spec, value);
      if (reason) throw new UsageError(`--grid ${axis.name}: ${String(value)} is not allowed: ${reason}`);
    }
  }
  const constraints: Constraint[] = constraintTexts.map((text) => {
    try {
      return parseConstraint(text);
    } catch (e) {
      if (e instanceof ConstraintSyntaxError) {
        throw new UsageError(`--constraint "${text}", column ${e.column}: ${e.reason}`);
      }
      throw e;
    }
  });
  for (const c of constraints) {
    const unknown = c.variables.find((v) => !specs.has(v));
    if (unknown !== undefined) {
      throw new UsageError(
        `--constraint "${c.expression}": unknown parameter "${unknown}" (known: ${[...specs.keys()].join(', ')})`,
      );
    }
  }
  const base = { ...defaults(def), ...fixed };
  const cells: ParamValues[] = [];
  let excludedByConstraint = 0;
  let excludedByStrategy = 0;
  for (const combo of iterateGrid(axes, base)) {
    let keep = true;
    for (const c of constraints) {
      try {
        keep = c.test(combo);
      } catch (e) {
        if (e instanceof ConstraintEvaluationError)
          throw new UsageError(`--constraint "${c.expression}": ${e.reason}`);
        throw e;
      }
      if (!keep) break;
    }
    if (!keep) {
      excludedByConstraint++;
    } else if (validateParams(def.descriptor.id, combo).length > 0) {
      excludedByStrategy++;
    } else {
      cells.push(combo);
    }
  }
  if (cells.length === 0) {
    throw new UsageError(
      `--grid: every one of the ${gridSize(axes)} combinations is excluded by the constraints`,
    );
  }
  return { axes, cells, excludedByConstraint, excludedByStrategy };
}

function better(goal: 'max' | 'min', a: number, b: number): boolean {
  return goal === 'max' ? a > b : a < b;
}

export async function sweepCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  if (argv.includes('--remote')) return remoteSweepCommand(argv, ctx);
  const values = parseOptions(argv, {
    ...RUN_OPTIONS,
    grid: { type: 'string', multiple: true },
    constraint: { type: 'string', multiple: true },
    objective: { type: 'string' },
    goal: { type: 'string' },
    threads: { type: 'string' },
  });
  if (flag(values, 'help')) {
    ctx.io.stdout.write(SWEEP_HELP);
    return EXIT_OK;
  }
  const dataPath = requireString(values, 'data');
  const def = requireStrategyOption(requireString(values, 'strategy'));
  const fixed = typedParams(def, keyValues(stringList(values, 'param'), 'param'));
  const plan = planSweep(def, stringList(values, 'grid'), fixed, stringList(values, 'constraint'));
  const objective = optionalString(values, 'objective') ?? 'equityFinal';
  if (!OBJECTIVES.has(objective)) {
    throw new UsageError(
      `--objective: unknown metric "${objective}" (e.g. ${FAST_OBJECTIVES.join(', ')}, sharpe, sortino)`,
    );
  }
  const goalText = optionalString(values, 'goal') ?? (LOWER_IS_BETTER.has(objective) ? 'min' : 'max');
  if (goalText !== 'max' && goalText !== 'min')
    throw new UsageError(`--goal: expected max or min, got "${goalText}"`);
  const goal: 'max' | 'min' = goalText;
  const threadsOption = numberOption(values, 'threads', 1, { min: 0, integer: true });
  const threads = threadsOption === 0 ? availableParallelism() : threadsOption;
  const config = await engineConfig(values);
  const file = await loadBars(dataPath, flag(values, 'skip-invalid'));

  const started = performance.now();
  const onProgress = ctx.io.progress
    ? (done: number, total: number): void => {
        ctx.io.stderr.write(`\r${done}/${total} cells`);
      }
    : undefined;
  let results: SweepCellResult[];
  const strategyId = def.descriptor.id;
  if (threads > 1 && plan.cells.length > 1) {
    const pool = ctx.deps.createPool(Math.min(threads, plan.cells.length));
    try {
      results = await pool.runSweep(
        file.bars,
        { strategyId, cells: plan.cells, config, objective: objective as SweepObjective },
        { onProgress: onProgress ? (p) => onProgress(p.done, p.total) : undefined },
      );
    } finally {
      await pool.close();
    }
  } else {
    results = runSweepCells(file.bars, strategyId, plan.cells, config, objective as SweepObjective, {
      onProgress,
    });
  }
  const elapsedMs = performance.now() - started;
  if (onProgress) ctx.io.stderr.write('\r\x1b[K');

  let best: SweepCellResult | null = null;
  for (const cell of results) {
    if (cell.error !== undefined || cell.objective === null) continue;
    if (!best || better(goal, cell.objective, best.objective!)) best = cell;
  }

  if (flag(values, 'json')) {
    const cells = results.map(({ params, metrics, objective: value, error }) =>
      error === undefined
        ? { params, objective: value, metrics }
        : { params, objective: value, metrics, error },
    );
    const out = {
      strategy: strategyId,
      data: { path: file.path, format: file.format, bars: file.bars.length },
      objective,
      goal,
      threads: Math.min(threads, Math.max(1, plan.cells.length)),
      gridSize: gridSize(plan.axes),
      excludedByConstraint: plan.excludedByConstraint,
      excludedByStrategy: plan.excludedByStrategy,
      elapsedMs,
      cells,
      best: best ? { params: best.params, objective: best.objective, metrics: best.metrics } : null,
    };
    ctx.io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return EXIT_OK;
  }

  const names = plan.axes.map((a) => a.name);
  const showObjective = !(FAST_OBJECTIVES as readonly string[]).includes(objective);
  const header = [...names, ...(showObjective ? [objective] : []), ...SWEEP_METRIC_HEADER];
  const rows: string[][] = [header];
  for (const cell of results) {
    const m = cell.metrics;
    rows.push([
      ...names.map((n) => String(cell.params[n])),
      ...(showObjective ? [plain(cell.objective)] : []),
      ...sweepMetricCells(m),
    ]);
  }
  const out: string[] = [];
  const excluded = plan.excludedByConstraint + plan.excludedByStrategy;
  out.push(
    `${strategyId} on ${file.path}: ${results.length} cells of ${gridSize(plan.axes)}` +
      `${excluded > 0 ? ` (${excluded} excluded by constraints)` : ''}, ` +
      `${threads > 1 && plan.cells.length > 1 ? `${Math.min(threads, plan.cells.length)} threads` : '1 thread'}, ${elapsedMs.toFixed(0)} ms`,
  );
  out.push('');
  out.push(
    renderTable(
      rows,
      header.map((_, i) => (i < names.length ? 'left' : 'right')),
    ).trimEnd(),
  );
  out.push('');
  const fixedShown = showParams(fixed);
  out.push(
    best
      ? `best by ${objective} (${goal}): ${showParams(Object.fromEntries(names.map((n) => [n, best.params[n]!])))}` +
          `${fixedShown ? ` with ${fixedShown}` : ''} → ${plain(best.objective)}`
      : `no cell has a ${objective}`,
  );
  ctx.io.stdout.write(`${out.join('\n')}\n`);
  return EXIT_OK;
}
