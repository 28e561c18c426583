import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type GauntletConfig, taskQueue } from '@gauntlet/config';
import {
  type CanonicalSweepInput,
  type FieldError,
  SCHEDULED_WALK_FORWARD_WORKFLOW_TYPE,
  scheduledRange,
  type ScheduleDetailDto,
  type ScheduleDto,
  type ScheduleProposal,
  type ScheduleRequest,
  type ScheduleRunDto,
  type ScheduleRunStatus,
  type ScheduleStateDto,
  type ScheduleTemplate,
} from '@gauntlet/contracts';
import { walkForwardFolds } from '@gauntlet/research';
import { type Client, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { TemporalService } from '../../services/temporal/temporal.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode, notFound, unavailable, validationError } from '../common/errors';
import { SweepsService } from '../sweeps/sweeps.service';
import { cadenceErrors, everyMs } from './cadence';

const DAY_MS = 86_400_000;
/** As for `POST /api/walk-forwards`. */
const MAX_FOLDS = 100;
const RUNS_SHOWN = 50;

interface ScheduleRow {
  id: string;
  owner_id: string;
  name: string;
  template: ScheduleTemplate;
  lookback_days: number;
  every: string | null;
  cron: string | null;
  paused: boolean;
  temporal_schedule_id: string;
  created_at: Date;
}

interface RunRow {
  run_id: string;
  schedule_id: string;
  status: ScheduleRunStatus;
  job_id: string | null;
  range_from: Date | null;
  range_to: Date | null;
  data_version: string | null;
  reused_job: boolean | null;
  proposal: ScheduleProposal | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Field names of the sweep canonicalisation, as they appear in a schedule request. */
function templateField(field: string): string {
  return field === 'from' || field === 'to' ? 'walkForward.lookbackDays' : `walkForward.${field}`;
}

/**
 * Schedules re-run a walk-forward template on fresh data. The row (owner, canonical template) is
 * what runs read; the Temporal Schedule, named with the task-queue prefix so deployments and test
 * suites sharing a server never collide, decides when they happen.
 */
@Injectable()
export class SchedulesService {
  private readonly logger = new Logger(SchedulesService.name);

  constructor(
    private readonly db: DatabaseService,
    private readonly temporal: TemporalService,
    private readonly sweeps: SweepsService,
    @Inject(CONFIG) private readonly config: GauntletConfig,
  ) {}

  async create(user: AuthUser, req: ScheduleRequest): Promise<ScheduleDetailDto> {
    const errors = cadenceErrors(req);
    const template = await this.template(req).catch((err: unknown) => {
      if (err instanceof DomainError && err.code === ErrorCode.Validation) {
        errors.push(...(err.details ?? []));
        return undefined;
      }
      throw err;
    });
    if (errors.length > 0 || !template) throw validationError(errors);

    const wf = req.walkForward;
    const id = `sc_${randomUUID().replace(/-/g, '')}`;
    const temporalId = `${this.config.taskQueuePrefix}${id}`;
    const cadence = req.every !== undefined ? `every ${req.every}` : `cron ${req.cron}`;
    const name = req.name ?? `${wf.strategy} ${wf.instrument} ${wf.timeframe} ${cadence}`;
    const paused = req.paused ?? false;
    await this.db.ds.query(
      `INSERT INTO schedules (id, owner_id, name, template, lookback_days, every, cron, paused, temporal_schedule_id)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9)`,
      [
        id,
        user.id,
        name,
        JSON.stringify(template),
        wf.lookbackDays,
        req.every ?? null,
        req.cron?.trim() ?? null,
        paused,
        temporalId,
      ],
    );
    try {
      const client = await this.temporal.require();
      await client.schedule.create({
        scheduleId: temporalId,
        spec:
          req.every !== undefined
            ? { intervals: [{ every: everyMs(req.every) as number }] }
            : { cronExpressions: [(req.cron as string).trim()], timezone: 'UTC' },
        action: {
          type: 'startWorkflow',
          workflowType: SCHEDULED_WALK_FORWARD_WORKFLOW_TYPE,
          workflowId: `${temporalId}-run`,
          taskQueue: taskQueue(this.config, 'research'),
          args: [{ scheduleId: id }],
          memo: { ownerId: user.id, scheduleId: id },
        },
        // A run still going when the next is due makes that one skip; after an outage only the
        // most recent missed run (within an hour) is made up.
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
        state: { paused, note: paused ? 'created paused' : undefined },
        memo: { ownerId: user.id, name },
      });
    } catch (err) {
      await this.db.ds.query(`DELETE FROM schedules WHERE id = $1`, [id]);
      if (err instanceof TypeError)
        throw validationError([{ field: req.cron !== undefined ? 'cron' : 'every', reason: err.message }]);
      throw this.temporalError(err);
    }
    return this.get(user, id);
  }

  async list(user: AuthUser): Promise<ScheduleDto[]> {
    const rows = (await this.db.ds.query(
      `SELECT * FROM schedules WHERE $1::uuid IS NULL OR owner_id = $1 ORDER BY created_at DESC, id`,
      [user.role === 'admin' ? null : user.id],
    )) as ScheduleRow[];
    const last = (await this.db.ds.query(
      `SELECT DISTINCT ON (schedule_id) * FROM schedule_runs WHERE schedule_id = ANY($1)
        ORDER BY schedule_id, started_at DESC, run_id DESC`,
      [rows.map((r) => r.id)],
    )) as RunRow[];
    const byId = new Map(last.map((r) => [r.schedule_id, r]));
    return rows.map((r) => this.toDto(r, byId.get(r.id)));
  }

  async get(user: AuthUser, id: string): Promise<ScheduleDetailDto> {
    const row = await this.findVisible(user, id);
    const runs = (await this.db.ds.query(
      `SELECT * FROM schedule_runs WHERE schedule_id = $1 ORDER BY started_at DESC, run_id DESC LIMIT ${RUNS_SHOWN}`,
      [id],
    )) as RunRow[];
    const state = await this.describe(row);
    return { ...this.toDto(row, runs[0]), state, runs: runs.map((r) => this.runDto(r)) };
  }

  async pause(user: AuthUser, id: string): Promise<ScheduleDetailDto> {
    return this.setPaused(user, id, true);
  }

  async resume(user: AuthUser, id: string): Promise<ScheduleDetailDto> {
    return this.setPaused(user, id, false);
  }

  /** Starts a run now, whatever the cadence and even while paused. */
  async trigger(user: AuthUser, id: string): Promise<ScheduleDto> {
    const row = await this.findVisible(user, id);
    await this.onSchedule(row, (h) => h.trigger(ScheduleOverlapPolicy.ALLOW_ALL));
    return this.toDto(row, undefined);
  }

  /** Deletes the Temporal Schedule, then the row and its runs; a run already going finishes its job. */
  async remove(user: AuthUser, id: string): Promise<void> {
    const row = await this.findVisible(user, id);
    try {
      await this.onSchedule(row, (h) => h.delete());
    } catch (err) {
      if (!(err instanceof DomainError && err.code === ErrorCode.NotFound)) throw err;
    }
    await this.db.ds.query(`DELETE FROM schedules WHERE id = $1`, [id]);
  }

  /** Validates the walk-forward part against the newest data and fills in every default. */
  private async template(req: ScheduleRequest): Promise<ScheduleTemplate> {
    const wf = req.walkForward;
    const lookbackMs = wf.lookbackDays * DAY_MS;
    const found = (await this.db.ds.query(`SELECT max(time) AS last FROM bars WHERE instrument_id = $1`, [
      wf.instrument,
    ])) as Array<{ last: Date | null }>;
    const last = found[0]?.last ?? null;
    // Without bars there is no range yet; any range lets the other fields be checked.
    const range = last
      ? scheduledRange(last.getTime(), wf.timeframe, lookbackMs)
      : { from: Date.UTC(2000, 0, 1), to: Date.UTC(2000, 0, 1) + lookbackMs };
    const { lookbackDays: _lookback, ...request } = wf;
    let sweep: CanonicalSweepInput;
    try {
      ({ input: sweep } = await this.sweeps.canonicalize({
        ...request,
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        topN: 1,
      }));
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== ErrorCode.Validation) throw err;
      const details: FieldError[] = (err.details ?? []).map((d) =>
        d.field === 'from' && !last
          ? { field: 'walkForward.instrument', reason: `no bars for ${wf.instrument}` }
          : { field: templateField(d.field), reason: d.reason },
      );
      throw validationError(details);
    }
    const inSampleMs = wf.inSampleDays * DAY_MS;
    const outOfSampleMs = wf.outOfSampleDays * DAY_MS;
    const stepMs = (wf.stepDays ?? wf.outOfSampleDays) * DAY_MS;
    const folds = walkForwardFolds({ ...range, inSampleMs, outOfSampleMs, stepMs, mode: wf.mode }).length;
    if (folds === 0)
      throw validationError([
        {
          field: 'walkForward.lookbackDays',
          reason: 'too short for one in-sample plus out-of-sample window',
        },
      ]);
    if (folds > MAX_FOLDS)
      throw validationError([
        { field: 'walkForward.stepDays', reason: `${folds} folds is more than the ${MAX_FOLDS} allowed` },
      ]);
    const { from: _from, to: _to, ...rest } = sweep;
    return { sweep: rest, mode: wf.mode, inSampleMs, outOfSampleMs, stepMs, lookbackMs };
  }

  private async findVisible(user: AuthUser, id: string): Promise<ScheduleRow> {
    const rows = (await this.db.ds.query(`SELECT * FROM schedules WHERE id = $1`, [id])) as ScheduleRow[];
    const row = rows[0];
    if (!row || (row.owner_id !== user.id && user.role !== 'admin')) throw notFound('Schedule', id);
    return row;
  }

  private async setPaused(user: AuthUser, id: string, paused: boolean): Promise<ScheduleDetailDto> {
    const row = await this.findVisible(user, id);
    const note = `${paused ? 'paused' : 'resumed'} by ${user.email}`;
    await this.onSchedule(row, (h) => (paused ? h.pause(note) : h.unpause(note)));
    await this.db.ds.query(`UPDATE schedules SET paused = $2, updated_at = now() WHERE id = $1`, [
      id,
      paused,
    ]);
    return this.get(user, id);
  }

  private async onSchedule<T>(
    row: ScheduleRow,
    fn: (handle: ReturnType<Client['schedule']['getHandle']>) => Promise<T>,
  ): Promise<T> {
    const client = await this.temporal.require();
    try {
      return await fn(client.schedule.getHandle(row.temporal_schedule_id));
    } catch (err) {
      throw this.temporalError(err);
    }
  }

  private async describe(row: ScheduleRow): Promise<ScheduleStateDto | null> {
    try {
      const d = await this.onSchedule(row, (h) => h.describe());
      return {
        paused: d.state.paused,
        note: d.state.note ?? null,
        nextRunTimes: d.info.nextActionTimes.map((t) => t.toISOString()),
        recentActions: d.info.recentActions.map((a) => ({
          scheduledAt: a.scheduledAt.toISOString(),
          takenAt: a.takenAt.toISOString(),
          workflowId: a.action.workflow.workflowId,
        })),
        runningWorkflows: d.info.runningActions.map((a) => a.workflow.workflowId),
        actionsTaken: d.info.numActionsTaken,
        actionsSkippedOverlap: d.info.numActionsSkippedOverlap,
      };
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.NotFound) return null;
      throw err;
    }
  }

  private temporalError(err: unknown): DomainError {
    if (err instanceof DomainError) return err;
    if (err instanceof ScheduleNotFoundError) return notFound('Temporal schedule', err.scheduleId);
    this.logger.warn(`Temporal schedule call failed: ${(err as Error).message}`);
    return unavailable('Temporal', err);
  }

  private toDto(row: ScheduleRow, last: RunRow | undefined): ScheduleDto {
    return {
      id: row.id,
      name: row.name,
      ownerId: row.owner_id,
      template: row.template,
      lookbackDays: row.lookback_days,
      every: row.every,
      cron: row.cron,
      paused: row.paused,
      createdAt: row.created_at.toISOString(),
      lastRun: last ? this.runDto(last) : null,
      links: {
        self: `/api/schedules/${row.id}`,
        temporal: `${this.config.temporalUiUrl}/namespaces/${this.config.temporalNamespace}/schedules/${encodeURIComponent(row.temporal_schedule_id)}`,
      },
    };
  }

  private runDto(r: RunRow): ScheduleRunDto {
    return {
      runId: r.run_id,
      status: r.status,
      jobId: r.job_id,
      from: iso(r.range_from),
      to: iso(r.range_to),
      dataVersion: r.data_version,
      reusedJob: r.reused_job,
      proposal: r.proposal,
      error: r.error,
      startedAt: r.started_at.toISOString(),
      finishedAt: iso(r.finished_at),
      links: r.job_id
        ? {
            job: `/api/jobs/${r.job_id}`,
            ...(r.status === 'completed' ? { walkForward: `/api/walk-forwards/${r.job_id}` } : {}),
          }
        : {},
    };
  }
}
