import { Inject, Injectable, Logger } from '@nestjs/common';
import { type GauntletConfig, taskQueue } from '@gauntlet/config';
import {
  type BacktestRequest,
  type BotConfig,
  type FieldError,
  GRADUATION_DECISION_SIGNAL,
  GRADUATION_WORKFLOW_TYPE,
  type GraduationBotTemplate,
  type GraduationCriteria,
  type GraduationDecision,
  type GraduationDto,
  type GraduationEvaluation,
  type GraduationPeriods,
  type GraduationStatus,
  type GraduationStepDto,
  type GraduationWorkflowInput,
  type ParamValues,
  TIMEFRAME_MS,
} from '@gauntlet/contracts';
import { JobEntity, VenueAccountEntity } from '@gauntlet/db';
import { validateRiskLimits } from '@gauntlet/trading';
import { randomUUID } from 'node:crypto';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { TemporalService } from '../../services/temporal/temporal.service';
import { type AuthUser } from '../auth/auth.types';
import { checkLiveFeed, checkSizing } from '../bots/bots.service';
import { DomainError, ErrorCode, notFound, validationError } from '../common/errors';
import { type CreateGraduationRequestDto } from './graduations.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_RAMP = [0.25, 0.5, 1];
const CONTINUE_AS_NEW_EVERY = 500;
/** A live feed's default warm-up history, in bars of the backtest's timeframe. */
const LIVE_WARMUP_BARS = 1_000;

interface GraduationRow {
  id: string;
  owner_id: string;
  backtest_id: string;
  venue_account_id: string;
  status: GraduationStatus;
  reason: string | null;
  criteria: GraduationCriteria;
  periods: GraduationPeriods;
  ramp_steps: number[];
  target_capital: number;
  paper_capital: number;
  capital_fraction: number;
  bot_template: GraduationBotTemplate;
  paper_bot_id: string | null;
  live_bot_id: string | null;
  demoted_bot_id: string | null;
  evaluation: GraduationEvaluation | null;
  decision: GraduationDecision | null;
  workflow_id: string;
  created_at: Date;
  updated_at: Date;
}

function checkRamp(steps: number[] | undefined, errors: FieldError[]): number[] {
  if (steps === undefined) return DEFAULT_RAMP;
  let previous = 0;
  steps.forEach((s, i) => {
    if (!(s > previous && s <= 1))
      errors.push({ field: `rampSteps[${i}]`, reason: 'must be greater than the step before and at most 1' });
    previous = s;
  });
  if (steps.length > 0 && steps[steps.length - 1] !== 1)
    errors.push({
      field: `rampSteps[${steps.length - 1}]`,
      reason: 'the last step must be 1 (the whole target)',
    });
  return steps;
}

/**
 * Graduations from paper to live: validated against the caller's completed backtest and venue
 * account, then run by the `graduationWorkflow`; admins decide between evaluation and live.
 */
@Injectable()
export class GraduationsService {
  private readonly logger = new Logger(GraduationsService.name);

  constructor(
    private readonly db: DatabaseService,
    private readonly temporal: TemporalService,
    @Inject(CONFIG) private readonly config: GauntletConfig,
  ) {}

  private toDto(g: GraduationRow, steps: GraduationStepDto[]): GraduationDto {
    const self = `/api/graduations/${g.id}`;
    return {
      id: g.id,
      ownerId: g.owner_id,
      backtestId: g.backtest_id,
      strategy: g.bot_template.strategy,
      params: g.bot_template.params,
      instrument: g.bot_template.instrument,
      venueAccountId: g.venue_account_id,
      status: g.status,
      reason: g.reason,
      criteria: g.criteria,
      periods: g.periods,
      rampSteps: g.ramp_steps,
      targetCapital: g.target_capital,
      paperCapital: g.paper_capital,
      capitalFraction: g.capital_fraction,
      paperBotId: g.paper_bot_id,
      liveBotId: g.live_bot_id,
      demotedBotId: g.demoted_bot_id,
      evaluation: g.evaluation,
      decision: g.decision,
      steps,
      workflowId: g.workflow_id,
      createdAt: g.created_at.toISOString(),
      updatedAt: g.updated_at.toISOString(),
      links: { self, decision: `${self}/decision`, backtest: `/api/backtests/${g.backtest_id}` },
    };
  }

  /** The timelines of the given graduations, each in order, read in one query. */
  private async steps(ids: string[]): Promise<Map<string, GraduationStepDto[]>> {
    const { rows } = await this.db.pool.query<{
      graduation_id: string;
      seq: number;
      step: string;
      status: GraduationStatus;
      message: string;
      data: Record<string, unknown> | null;
      time: Date;
    }>(
      `SELECT graduation_id, seq, step, status, message, data, time FROM graduation_steps
        WHERE graduation_id = ANY($1::uuid[]) ORDER BY graduation_id, seq`,
      [ids],
    );
    const out = new Map<string, GraduationStepDto[]>(ids.map((id) => [id, []]));
    for (const { graduation_id, time, ...r } of rows)
      out.get(graduation_id)?.push({ ...r, time: time.toISOString() });
    return out;
  }

  private async withSteps(g: GraduationRow): Promise<GraduationDto> {
    return this.toDto(g, (await this.steps([g.id])).get(g.id) ?? []);
  }

  /** A graduation the user may see: their own, or any for an admin; others' are reported absent. */
  private async findVisible(user: AuthUser, id: string): Promise<GraduationRow> {
    const rows = UUID.test(id)
      ? (await this.db.pool.query<GraduationRow>(`SELECT * FROM graduations WHERE id = $1`, [id])).rows
      : [];
    const g = rows[0];
    if (!g || (g.owner_id !== user.id && user.role !== 'admin')) throw notFound('Graduation', id);
    return g;
  }

  async create(user: AuthUser, req: CreateGraduationRequestDto): Promise<GraduationDto> {
    const errors: FieldError[] = [];
    const rampSteps = checkRamp(req.rampSteps, errors);
    const risk = validateRiskLimits(req.riskLimits ?? {}, 'riskLimits');
    errors.push(...risk.errors);
    const sizing = checkSizing(req.sizing, errors);
    if (req.periods.checkMs > req.periods.rampIntervalMs)
      errors.push({ field: 'periods.checkMs', reason: 'must not be longer than periods.rampIntervalMs' });
    if (errors.length > 0) throw validationError(errors);

    const job = await this.db.ds.getRepository(JobEntity).findOneBy({ id: req.backtestId });
    if (!job || job.kind !== 'backtest' || job.ownerId !== user.id)
      throw notFound('Backtest', req.backtestId);
    if (job.status !== 'completed')
      throw validationError([
        { field: 'backtestId', reason: `the backtest is ${job.status}; a graduation needs a completed one` },
      ]);
    const account = await this.db.ds.getRepository(VenueAccountEntity).findOneBy({ id: req.venueAccountId });
    if (!account || account.ownerId !== user.id) throw notFound('Venue account', req.venueAccountId);

    const backtest = job.input as unknown as BacktestRequest & {
      fees: Required<NonNullable<BacktestRequest['fees']>>;
    };
    const kind = req.feed.kind ?? 'replay';
    const tf = TIMEFRAME_MS[backtest.timeframe];
    const from = new Date(
      req.feed.from ??
        (kind === 'live' ? Math.floor(Date.now() / tf) * tf - LIVE_WARMUP_BARS * tf : backtest.to),
    ).toISOString();
    if (kind === 'live') {
      const errors = checkLiveFeed(backtest.instrument, from);
      if (errors.length > 0) throw validationError(errors);
    } else {
      const has = await this.db.pool.query(
        `SELECT 1 FROM bars WHERE instrument_id = $1 AND time >= $2 LIMIT 1`,
        [backtest.instrument, new Date(from)],
      );
      if (has.rowCount === 0)
        throw validationError([
          { field: 'feed.from', reason: `no stored bars for ${backtest.instrument} from ${from} on` },
        ]);
    }

    const config: BotConfig = {
      feed: { kind, from, timeframe: backtest.timeframe, stepMs: req.feed.stepMs },
      fees: {
        commission: backtest.fees?.commission ?? 0,
        fixedPerFill: backtest.fees?.fixedPerFill ?? 0,
        slippageBps: backtest.fees?.slippageBps ?? 0,
        spreadBps: backtest.fees?.spreadBps ?? 0,
      },
      sizing,
      sizingHeadroom: 0,
      continueAsNewEvery: CONTINUE_AS_NEW_EVERY,
    };
    const template: GraduationBotTemplate = {
      name: `${backtest.strategy} ${backtest.instrument}`,
      strategy: backtest.strategy,
      params: backtest.params as ParamValues,
      instrument: backtest.instrument,
      riskLimits: (risk.limits ?? {}) as GraduationBotTemplate['riskLimits'],
      config,
    };
    const id = randomUUID();
    const workflowId = `graduation-${id}`;
    const periods: GraduationPeriods = {
      paperMs: req.periods.paperMs,
      approvalTimeoutMs: req.periods.approvalTimeoutMs,
      rampIntervalMs: req.periods.rampIntervalMs,
      checkMs: req.periods.checkMs,
    };
    const criteria: GraduationCriteria = {
      minTrades: req.criteria.minTrades,
      minSharpe: req.criteria.minSharpe,
      maxDrawdownPct: req.criteria.maxDrawdownPct,
      maxTrackingError: req.criteria.maxTrackingError,
    };
    await this.db.pool.query(
      `INSERT INTO graduations (id, owner_id, backtest_id, venue_account_id, status, criteria, periods, ramp_steps,
                                target_capital, paper_capital, bot_template, workflow_id)
       VALUES ($1, $2, $3, $4, 'paper', $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        user.id,
        job.id,
        account.id,
        JSON.stringify(criteria),
        JSON.stringify(periods),
        JSON.stringify(rampSteps),
        req.targetCapital,
        req.paperCapital ?? backtest.initialCash,
        JSON.stringify(template),
        workflowId,
      ],
    );
    await this.db.pool.query(
      `INSERT INTO graduation_steps (graduation_id, seq, key, step, status, message, data)
       VALUES ($1, 1, 'created', 'created', 'paper', $2, $3)`,
      [id, `requested by ${user.email} from backtest ${job.id}`, JSON.stringify({ backtestId: job.id })],
    );
    const input: GraduationWorkflowInput = { graduationId: id, periods, rampSteps };
    try {
      const client = await this.temporal.require();
      await client.workflow.start(GRADUATION_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: taskQueue(this.config, 'trading'),
        args: [input],
        memo: { ownerId: user.id, title: `graduation of ${template.name}` },
      });
    } catch (err) {
      // No graduation without its workflow: the rows go again and the client may retry.
      await this.db.pool.query(`DELETE FROM graduations WHERE id = $1`, [id]);
      this.logger.warn(`could not start the workflow of graduation ${id}: ${(err as Error).message}`);
      if (err instanceof DomainError) throw err;
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        `Temporal is unavailable: ${(err as Error).message}`,
      );
    }
    return this.get(user, id);
  }

  async list(user: AuthUser): Promise<GraduationDto[]> {
    const { rows } = await this.db.pool.query<GraduationRow>(
      `SELECT * FROM graduations ${user.role === 'admin' ? '' : 'WHERE owner_id = $1'} ORDER BY created_at DESC, id`,
      user.role === 'admin' ? [] : [user.id],
    );
    const steps = await this.steps(rows.map((g) => g.id));
    return rows.map((g) => this.toDto(g, steps.get(g.id) ?? []));
  }

  async get(user: AuthUser, id: string): Promise<GraduationDto> {
    const g = await this.findVisible(user, id);
    return this.withSteps(g);
  }

  /** An admin's approve or reject, sent to the workflow; only while it waits for one. */
  async decide(
    user: AuthUser,
    id: string,
    decision: 'approve' | 'reject',
    note?: string,
  ): Promise<GraduationDto> {
    if (user.role !== 'admin')
      throw new DomainError(ErrorCode.Forbidden, 'only an admin may approve or reject');
    const g = await this.findVisible(user, id);
    if (g.status !== 'awaiting-approval')
      throw new DomainError(ErrorCode.Conflict, `graduation ${id} is ${g.status}, not awaiting approval`);
    const payload: GraduationDecision = {
      decision,
      by: user.email,
      note: note ?? null,
      at: new Date().toISOString(),
    };
    const client = await this.temporal.require();
    try {
      await client.workflow.getHandle(g.workflow_id).signal(GRADUATION_DECISION_SIGNAL, payload);
    } catch (err) {
      const message = (err as Error).message;
      if (/not found|already completed/i.test(message))
        throw new DomainError(ErrorCode.Conflict, `graduation ${id} has no running workflow`);
      throw new DomainError(ErrorCode.ServiceUnavailable, `Temporal is unavailable: ${message}`);
    }
    return this.withSteps(g);
  }
}
