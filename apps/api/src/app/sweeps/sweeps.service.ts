import { Injectable } from '@nestjs/common';
import {
  type CanonicalSweepInput,
  type FieldError,
  type JobDto,
  type Page,
  type ParamValues,
  SWEEP_WORKFLOW_TYPE,
  type SweepReportDto,
  type SweepRequest,
  type SweepResultRow,
  type SweepResultsQuery,
  type SweepSortKey,
  type SweepSpace,
  type SweepSummary,
  TIMEFRAME_MS,
  TPE_MAX_ROUND_SIZE,
  TPE_MAX_TRIALS,
} from '@gauntlet/contracts';
import { InstrumentEntity, JobEntity } from '@gauntlet/db';
import { ENGINE_VERSION } from '@gauntlet/engine';
import {
  ConstraintSyntaxError,
  expandSweepSpace,
  MAX_SWEEP_CELLS,
  parseConstraint,
  canonicalTpeSpace,
  RESEARCH_VERSION,
  SweepSpaceError,
  validateTpeSpace,
} from '@gauntlet/research';
import { checkParamValue, getStrategy } from '@gauntlet/strategies';
import { DatabaseService } from '../../services/database/database.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode, notFound, validationError } from '../common/errors';
import { JobLauncher } from '../jobs/job-launcher.service';
import { JobsService } from '../jobs/jobs.service';

const MAX_RANGE_MS = 5 * 366 * 86_400_000;
const SORT_COLUMNS: Record<SweepSortKey, string> = {
  index: 'cell_index',
  objective: 'objective',
  returnPct: `(metrics->>'returnPct')::double precision`,
  maxDrawdownPct: `(metrics->>'maxDrawdownPct')::double precision`,
  tradeCount: 'trade_count',
  winRatePct: `(metrics->>'winRatePct')::double precision`,
  profitFactor: `(metrics->>'profitFactor')::double precision`,
};

/** Engine work a batch aims at: bar-evaluations (cells × bars), about a second on a slow core pair. */
export const BATCH_TARGET_BAR_EVALS = 200_000_000;

/**
 * Cells per batch, from the size of the space and the number of bars the range holds: each batch
 * carries enough engine work (about `BATCH_TARGET_BAR_EVALS`) that its fixed cost — an activity,
 * a results insert, a progress event — stays a few per cent of it, while a sweep still splits into
 * at least eight batches when it has the cells to (for progress, for spreading over workers, and
 * to lose little when a worker dies), and no batch stores more than 5,000 result rows at once.
 */
export function defaultBatchSize(cells: number, bars: number): number {
  const byWork = Math.ceil(BATCH_TARGET_BAR_EVALS / Math.max(1, bars));
  return Math.max(1, Math.min(cells, 5_000, Math.max(20, Math.min(byWork, Math.ceil(cells / 8)))));
}

function spaceErrors(space: unknown): FieldError[] {
  const s = space as Partial<Record<string, unknown>>;
  const errors: FieldError[] = [];
  if (s.kind !== 'grid' && s.kind !== 'random' && s.kind !== 'tpe')
    errors.push({ field: 'space.kind', reason: 'must be grid, random or tpe' });
  if (s.axes !== undefined) {
    if (!Array.isArray(s.axes)) errors.push({ field: 'space.axes', reason: 'must be a list of axes' });
    else
      s.axes.forEach((a: unknown, i) => {
        const axis = a as Partial<Record<string, unknown>>;
        if (typeof axis?.name !== 'string')
          errors.push({ field: `space.axes[${i}].name`, reason: 'must be a string' });
        if (
          !Array.isArray(axis?.values) ||
          !axis.values.every(
            (v) =>
              typeof v === 'string' ||
              typeof v === 'boolean' ||
              (typeof v === 'number' && Number.isFinite(v)),
          )
        )
          errors.push({
            field: `space.axes[${i}].values`,
            reason: 'must be a list of numbers, strings or booleans',
          });
      });
  }
  if (s.kind === 'random') {
    if (!Number.isInteger(s.count) || (s.count as number) < 1 || (s.count as number) > MAX_SWEEP_CELLS)
      errors.push({ field: 'space.count', reason: `must be an integer from 1 to ${MAX_SWEEP_CELLS}` });
    if (!Number.isInteger(s.seed) || (s.seed as number) < 0 || (s.seed as number) > 0xffffffff)
      errors.push({ field: 'space.seed', reason: 'must be an integer from 0 to 4294967295' });
  }
  if (s.kind === 'tpe') errors.push(...tpeSpaceErrors(s));
  return errors;
}

function tpeSpaceErrors(s: Partial<Record<string, unknown>>): FieldError[] {
  const errors: FieldError[] = [];
  const trials = s.trials as number;
  const trialsOk = Number.isInteger(trials) && trials >= 1 && trials <= TPE_MAX_TRIALS;
  if (!trialsOk)
    errors.push({ field: 'space.trials', reason: `must be an integer from 1 to ${TPE_MAX_TRIALS}` });
  if (!Number.isInteger(s.seed) || (s.seed as number) < 0 || (s.seed as number) > 0xffffffff)
    errors.push({ field: 'space.seed', reason: 'must be an integer from 0 to 4294967295' });
  const most = trialsOk ? Math.min(TPE_MAX_ROUND_SIZE, trials) : TPE_MAX_ROUND_SIZE;
  const round = s.roundSize as number;
  if (s.roundSize !== undefined && (!Number.isInteger(round) || round < 1 || round > most))
    errors.push({
      field: 'space.roundSize',
      reason: `must be an integer from 1 to ${most} (at most the trials)`,
    });
  const startup = s.startup as number;
  if (
    s.startup !== undefined &&
    (!Number.isInteger(startup) || startup < 1 || (trialsOk && startup > trials))
  )
    errors.push({ field: 'space.startup', reason: 'must be an integer from 1 to the number of trials' });
  for (const key of Object.keys(s))
    if (!['kind', 'trials', 'seed', 'roundSize', 'startup', 'axes'].includes(key))
      errors.push({ field: `space.${key}`, reason: 'is not a field of a tpe space' });
  return errors;
}

function canonicalSpace(space: SweepSpace): SweepSpace {
  if (space.kind === 'tpe') return canonicalTpeSpace(space);
  const axes =
    space.axes && space.axes.length > 0
      ? space.axes.map((a) => ({ name: a.name, values: [...a.values] }))
      : undefined;
  return space.kind === 'grid'
    ? { kind: 'grid', ...(axes ? { axes } : {}) }
    : { kind: 'random', count: space.count, seed: space.seed, ...(axes ? { axes } : {}) };
}

@Injectable()
export class SweepsService {
  constructor(
    private readonly db: DatabaseService,
    private readonly jobs: JobsService,
    private readonly launcher: JobLauncher,
  ) {}

  /** Validates a sweep request (400 with every bad field) and fills in every default. */
  async canonicalize(req: SweepRequest): Promise<{ input: CanonicalSweepInput; dataVersion: string }> {
    const errors: FieldError[] = [];
    const def = getStrategy(req.strategy);
    if (!def) errors.push({ field: 'strategy', reason: `unknown strategy ${req.strategy}` });
    const from = Date.parse(req.from);
    const to = Date.parse(req.to);
    if (!(from < to)) errors.push({ field: 'to', reason: 'must be after from' });
    else if (to - from > MAX_RANGE_MS) errors.push({ field: 'to', reason: 'range must be at most 5 years' });
    errors.push(...spaceErrors(req.space));
    const fixed: ParamValues = { ...(req.fixed ?? {}) };
    if (def) {
      const specs = new Map(def.descriptor.params.map((p) => [p.name, p]));
      for (const [name, value] of Object.entries(fixed)) {
        const spec = specs.get(name);
        const reason = spec ? checkParamValue(spec, value) : `unknown parameter of ${req.strategy}`;
        if (reason) errors.push({ field: `fixed.${name}`, reason });
      }
      // A swept value outside its parameter's declared range is a mistake in the request, not a
      // cell to drop quietly.
      const axes = Array.isArray(req.space?.axes) ? req.space.axes : [];
      axes.forEach((axis, i) => {
        const spec = specs.get(axis?.name);
        if (!spec || !Array.isArray(axis.values)) return;
        axis.values.forEach((value, j) => {
          const reason = checkParamValue(spec, value);
          if (reason) errors.push({ field: `space.axes[${i}].values[${j}]`, reason });
        });
      });
    }
    const rules = req.constraints?.params ?? [];
    rules.forEach((rule, i) => {
      try {
        parseConstraint(rule);
      } catch (e) {
        if (e instanceof ConstraintSyntaxError)
          errors.push({ field: `constraints.params[${i}]`, reason: e.reason });
        else throw e;
      }
    });
    const instrument = await this.db.ds.getRepository(InstrumentEntity).findOneBy({ id: req.instrument });
    if (!instrument) errors.push({ field: 'instrument', reason: `unknown instrument ${req.instrument}` });
    if (instrument && from < to) {
      const has = await this.db.pool.query(
        `SELECT 1 FROM bars WHERE instrument_id = $1 AND time >= $2 AND time < $3 LIMIT 1`,
        [req.instrument, new Date(from), new Date(to)],
      );
      if (has.rowCount === 0)
        errors.push({ field: 'from', reason: `no bars for ${req.instrument} in [from, to)` });
    }
    if (errors.length > 0 || !instrument || !def) throw validationError(errors);

    const space = canonicalSpace(req.space);
    let cells: number;
    try {
      if (space.kind === 'tpe') {
        validateTpeSpace({
          descriptor: def.descriptor,
          space,
          fixed,
          extraRules: rules,
          direction: req.direction ?? 'max',
        });
        cells = space.trials;
      } else cells = expandSweepSpace(def.descriptor, space, fixed, rules).length;
    } catch (e) {
      if (e instanceof SweepSpaceError) throw validationError([{ field: e.field, reason: e.message }]);
      throw validationError([{ field: 'space', reason: (e as Error).message }]);
    }
    if (cells === 0)
      throw validationError([{ field: 'space', reason: 'no combination satisfies the parameter rules' }]);

    const input: CanonicalSweepInput = {
      strategy: req.strategy,
      instrument: req.instrument,
      timeframe: req.timeframe,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      initialCash: req.initialCash,
      fees: {
        commission: req.fees?.commission ?? 0,
        fixedPerFill: req.fees?.fixedPerFill ?? 0,
        slippageBps: req.fees?.slippageBps ?? 0,
        spreadBps: req.fees?.spreadBps ?? 0,
      },
      semantics: req.semantics ?? 'gauntlet',
      fixed,
      space,
      objective: req.objective ?? 'returnPct',
      direction: req.direction ?? 'max',
      constraints: { minTrades: req.constraints?.minTrades ?? 0, params: rules },
      topN: req.topN ?? 10,
      cells,
      // An adaptive round runs as one batch by default (it still spreads over every engine thread).
      batchSize:
        req.batchSize ??
        (space.kind === 'tpe'
          ? (space.roundSize as number)
          : defaultBatchSize(cells, Math.floor((to - from) / TIMEFRAME_MS[req.timeframe]))),
      researchVersion: RESEARCH_VERSION,
    };
    return { input, dataVersion: instrument.dataVersion };
  }

  async create(user: AuthUser, req: SweepRequest): Promise<{ job: JobDto; created: boolean }> {
    const { input, dataVersion } = await this.canonicalize(req);
    const cells = input.cells;
    return this.launcher.launch({
      kind: 'sweep',
      owner: user,
      input: input,
      dataVersion: dataVersion,
      engineVersion: ENGINE_VERSION,
      title: `sweep ${input.strategy} ${input.instrument} ${input.timeframe} (${cells} cells)`,
      workflowType: SWEEP_WORKFLOW_TYPE,
    });
  }

  private async sweepJob(user: AuthUser, id: string): Promise<JobEntity> {
    const job = await this.jobs.findVisible(user, id);
    if (job.kind !== 'sweep') throw notFound('Sweep', id);
    return job;
  }

  async report(user: AuthUser, id: string): Promise<SweepReportDto> {
    const job = await this.sweepJob(user, id);
    const rows = (await this.db.pool.query(`SELECT summary FROM sweep_summaries WHERE job_id = $1`, [id]))
      .rows as Array<{
      summary: SweepSummary;
    }>;
    const summary = rows[0]?.summary;
    if (!summary)
      throw new DomainError(ErrorCode.NotFound, `Sweep ${id} has no report yet (job is ${job.status})`);
    return {
      jobId: job.id,
      input: job.input as unknown as CanonicalSweepInput,
      dataVersion: job.dataVersion,
      engineVersion: job.engineVersion,
      ...summary,
      links: { job: `/api/jobs/${job.id}`, results: `/api/sweeps/${job.id}/results` },
    };
  }

  /** The full table, available while the sweep runs; rows appear batch by batch. */
  async results(user: AuthUser, id: string, query: SweepResultsQuery): Promise<Page<SweepResultRow>> {
    await this.sweepJob(user, id);
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const column = SORT_COLUMNS[query.sort ?? 'index'];
    const order = query.order === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS LAST';
    const [page, count] = await Promise.all([
      this.db.pool.query(
        `SELECT cell_index, params, metrics, objective, passed, error FROM sweep_results
          WHERE job_id = $1 ORDER BY ${column} ${order}, cell_index LIMIT $2 OFFSET $3`,
        [id, limit, offset],
      ),
      this.db.pool.query(`SELECT count(*)::int AS n FROM sweep_results WHERE job_id = $1`, [id]),
    ]);
    const items = (page.rows as Array<Record<string, unknown>>).map((r): SweepResultRow => ({
      index: r['cell_index'] as number,
      params: r['params'] as ParamValues,
      metrics: r['metrics'] as SweepResultRow['metrics'],
      objective: r['objective'] as number | null,
      passed: r['passed'] as boolean,
      error: r['error'] as string | null,
    }));
    return { items, total: (count.rows[0] as { n: number }).n, limit, offset };
  }
}
