import {
  type JobDto,
  type Page,
  type ParamValues,
  type SweepReportDto,
  type SweepRequest,
  type SweepResultRow,
  SWEEP_OBJECTIVES,
  TIMEFRAMES,
  type Timeframe,
} from '@gauntlet/contracts';
import { GridSpecError, parseGrid } from '@gauntlet/research';
import { ApiClient, RemoteError } from '../api-client';
import {
  EXIT_OK,
  UsageError,
  flag,
  keyValues,
  numberOption,
  optionalString,
  type OptionSpec,
  type ParsedOptions,
  parseOptions,
  requireString,
  stringList,
} from '../args';
import { type CliContext } from '../context';
import { SWEEP_METRIC_HEADER, plain, renderTable, sweepMetricCells } from '../format';
import { requireStrategyOption, showParams, typedParams } from '../params';

export const REMOTE_SWEEP_HELP = `Usage: gauntlet sweep --remote --instrument ID --from TIME --to TIME --strategy ID
                      --grid name=start:stop:step ... [options]

Starts the sweep as a job on a Gauntlet server (POST /api/sweeps), follows its progress and
prints every cell and the best. The same request returns the same job, so running the command
again attaches to the job instead of starting another.

  --instrument ID      e.g. demo:BTCUSDT (GET /api/instruments lists them)
  --timeframe TF       bar timeframe (default 1m)
  --from, --to TIME    ISO 8601 range of bars, --to exclusive
  --grid name=a:b:s    a swept parameter, as for a local sweep; repeat for each
  --param name=value   a parameter held fixed in every cell
  --constraint EXPR    a rule every cell must satisfy, e.g. 'slow >= 2 * fast'; repeatable
  --objective KEY      the metric to rank cells by (default returnPct)
  --goal max|min       best is the highest or the lowest objective (default max)
  --min-trades N       cells with fewer trades are kept in the table but not ranked
  --cash N             initial cash (default 10000)
  --commission C       commission per fill as a fraction (default 0)
  --slippage-bps N, --spread-bps N, --semantics gauntlet|backtesting.py
  --api URL            the server (default $GAUNTLET_API_URL or http://127.0.0.1:3000)
  --no-wait            print the job and return without waiting for it
  --json               print one JSON object: { jobId, created, status, trials, cells, best, ... }

The API key comes from the environment: export GAUNTLET_API_KEY=gk_… (it is never printed).
`;

const OPTIONS = {
  remote: { type: 'boolean' },
  api: { type: 'string' },
  instrument: { type: 'string' },
  timeframe: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  strategy: { type: 'string' },
  param: { type: 'string', multiple: true },
  grid: { type: 'string', multiple: true },
  constraint: { type: 'string', multiple: true },
  objective: { type: 'string' },
  goal: { type: 'string' },
  'min-trades': { type: 'string' },
  cash: { type: 'string' },
  commission: { type: 'string' },
  'slippage-bps': { type: 'string' },
  'spread-bps': { type: 'string' },
  semantics: { type: 'string' },
  'no-wait': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, OptionSpec>;

const POLL_MS = 500;
const PAGE = 1_000;

function isoOption(values: ParsedOptions, name: 'from' | 'to'): string {
  const text = requireString(values, name);
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`--${name}: "${text}" is not an ISO 8601 time`);
  return new Date(t).toISOString();
}

/** The request `gauntlet sweep --remote` sends, from its options; usage errors name the option. */
export function remoteSweepRequest(values: ParsedOptions): SweepRequest {
  const def = requireStrategyOption(requireString(values, 'strategy'));
  const fixed: ParamValues = typedParams(def, keyValues(stringList(values, 'param'), 'param'));
  const specs = stringList(values, 'grid');
  if (specs.length === 0) throw new UsageError('--grid is required (e.g. --grid fast=5:50:5)');
  let axes;
  try {
    axes = parseGrid(specs);
  } catch (e) {
    if (e instanceof GridSpecError) throw new UsageError(`--${e.message}`);
    throw e;
  }
  const timeframe = optionalString(values, 'timeframe') ?? '1m';
  if (!(TIMEFRAMES as readonly string[]).includes(timeframe))
    throw new UsageError(`--timeframe: expected one of ${TIMEFRAMES.join(', ')}, got "${timeframe}"`);
  const objective = optionalString(values, 'objective') ?? 'returnPct';
  if (!(SWEEP_OBJECTIVES as readonly string[]).includes(objective))
    throw new UsageError(`--objective: unknown metric "${objective}" (e.g. returnPct, sharpe, profitFactor)`);
  const goal = optionalString(values, 'goal') ?? 'max';
  if (goal !== 'max' && goal !== 'min') throw new UsageError(`--goal: expected max or min, got "${goal}"`);
  const semantics = optionalString(values, 'semantics') ?? 'gauntlet';
  if (semantics !== 'gauntlet' && semantics !== 'backtesting.py')
    throw new UsageError(`--semantics: expected gauntlet or backtesting.py, got "${semantics}"`);
  const minTrades = numberOption(values, 'min-trades', 0, { min: 0, integer: true });
  return {
    strategy: def.descriptor.id,
    instrument: requireString(values, 'instrument'),
    timeframe: timeframe as Timeframe,
    from: isoOption(values, 'from'),
    to: isoOption(values, 'to'),
    initialCash: numberOption(values, 'cash', 10_000, { min: 0, minExclusive: true }),
    fees: {
      commission: numberOption(values, 'commission', 0, { min: 0, max: 1 }),
      fixedPerFill: 0,
      slippageBps: numberOption(values, 'slippage-bps', 0, { min: 0 }),
      spreadBps: numberOption(values, 'spread-bps', 0, { min: 0 }),
    },
    semantics,
    ...(Object.keys(fixed).length > 0 ? { fixed } : {}),
    space: { kind: 'grid', axes },
    objective,
    direction: goal,
    constraints: { minTrades, params: stringList(values, 'constraint') },
  };
}

async function allResults(api: ApiClient, jobId: string): Promise<SweepResultRow[]> {
  const rows: SweepResultRow[] = [];
  for (;;) {
    const { body } = await api.json<Page<SweepResultRow>>(
      'GET',
      `/api/sweeps/${jobId}/results?sort=index&order=asc&limit=${PAGE}&offset=${rows.length}`,
    );
    rows.push(...body.items);
    if (body.items.length === 0 || rows.length >= body.total) return rows;
  }
}

export async function remoteSweepCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, OPTIONS);
  if (flag(values, 'help')) {
    ctx.io.stdout.write(REMOTE_SWEEP_HELP);
    return EXIT_OK;
  }
  const request = remoteSweepRequest(values);
  const api = ApiClient.fromEnvironment(optionalString(values, 'api'));
  const json = flag(values, 'json');

  const started = await api.json<JobDto>('POST', '/api/sweeps', request);
  const created = started.headers.get('x-job-created') !== 'false';
  let job = started.body;
  if (!json) ctx.io.stderr.write(`sweep ${job.id} ${created ? 'started' : 'already exists'} on ${api.url}\n`);
  if (flag(values, 'no-wait')) {
    if (json) ctx.io.stdout.write(`${JSON.stringify({ jobId: job.id, created, status: job.status })}\n`);
    else ctx.io.stdout.write(`${job.id}\n`);
    return EXIT_OK;
  }

  while (job.status === 'queued' || job.status === 'running') {
    if (ctx.io.progress) ctx.io.stderr.write(`\r${job.status} ${(job.progress * 100).toFixed(1)}%`);
    await new Promise((r) => setTimeout(r, POLL_MS));
    job = (await api.json<JobDto>('GET', `/api/jobs/${job.id}`)).body;
  }
  if (ctx.io.progress) ctx.io.stderr.write('\r\x1b[K');
  if (job.status !== 'completed') {
    const why = job.error ? `: ${job.error.message}${job.error.where ? ` (in ${job.error.where})` : ''}` : '';
    throw new RemoteError(`sweep ${job.id} ended ${job.status}${why}`);
  }

  const report = (await api.json<SweepReportDto>('GET', `/api/sweeps/${job.id}`)).body;
  const cells = await allResults(api, job.id);
  const best = report.top[0] ?? null;

  if (json) {
    const out = {
      jobId: job.id,
      created,
      status: job.status,
      strategy: request.strategy,
      instrument: request.instrument,
      objective: request.objective,
      goal: request.direction,
      trials: report.trials,
      passed: report.passed,
      failed: report.failed,
      durationMs: job.durationMs,
      cells: cells.map((c) => ({
        index: c.index,
        params: c.params,
        objective: c.objective,
        passed: c.passed,
        metrics: c.metrics,
        ...(c.error ? { error: c.error } : {}),
      })),
      best: best
        ? { index: best.index, params: best.params, objective: best.objective, metrics: best.metrics }
        : null,
      overfitting: report.overfitting,
    };
    ctx.io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return EXIT_OK;
  }

  const names = (request.space.axes ?? []).map((a) => a.name);
  const header = [...names, request.objective as string, ...SWEEP_METRIC_HEADER];
  const rows: string[][] = [header];
  for (const c of cells)
    rows.push([...names.map((n) => String(c.params[n])), plain(c.objective), ...sweepMetricCells(c.metrics)]);
  const out: string[] = [];
  out.push(
    `${request.strategy} on ${request.instrument} ${request.timeframe} ${request.from} → ${request.to}: ` +
      `${report.trials} cells (${report.passed} ranked), job ${job.id}` +
      `${job.durationMs !== null ? `, ${(job.durationMs / 1000).toFixed(1)} s` : ''}`,
  );
  out.push('');
  out.push(
    renderTable(
      rows,
      header.map((_, i) => (i < names.length ? 'left' : 'right')),
    ).trimEnd(),
  );
  out.push('');
  out.push(
    best
      ? `best by ${request.objective} (${request.direction}): ${showParams(
          Object.fromEntries(names.map((n) => [n, best.params[n]!])),
        )} → ${plain(best.objective)}`
      : `no cell passed the constraints`,
  );
  if (report.overfitting) out.push(`overfitting: ${report.overfitting.reading}`);
  ctx.io.stdout.write(`${out.join('\n')}\n`);
  return EXIT_OK;
}
