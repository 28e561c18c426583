import {
  type CanonicalWalkForwardInput,
  type JobStatus,
  type ScheduleActivities,
  type ScheduleProposal,
  scheduledRange,
  type ScheduleTemplate,
  WALK_FORWARD_WORKFLOW_TYPE,
  type WalkForwardSummary,
} from '@gauntlet/contracts';
import { deriveJobId, JobEntity } from '@gauntlet/db';
import { ENGINE_VERSION } from '@gauntlet/engine';
import { walkForwardFolds } from '@gauntlet/research';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { type DataSource } from 'typeorm';

export interface ScheduleActivityDeps {
  dataSource: DataSource;
}

interface ScheduleRow {
  owner_id: string;
  owner_role: string;
  template: ScheduleTemplate;
}

/** The walk-forward input a run submits: the template with the range it covers. */
export function scheduledWalkForwardInput(
  template: ScheduleTemplate,
  range: { from: number; to: number },
): CanonicalWalkForwardInput {
  const { lookbackMs: _lookback, sweep, ...rest } = template;
  return {
    ...rest,
    sweep: { ...sweep, from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() },
    folds: walkForwardFolds({
      from: range.from,
      to: range.to,
      inSampleMs: template.inSampleMs,
      outOfSampleMs: template.outOfSampleMs,
      stepMs: template.stepMs,
      mode: template.mode,
    }).length,
  };
}

/**
 * A scheduled run's steps. Each is idempotent: the run row is keyed by the run's workflow id, the
 * job by its canonical input, and a second start of the job's workflow is ignored.
 */
export function createScheduleActivities({ dataSource }: ScheduleActivityDeps): ScheduleActivities {
  async function schedule(scheduleId: string): Promise<ScheduleRow | undefined> {
    const rows = (await dataSource.query(
      `SELECT s.owner_id, u.role AS owner_role, s.template
         FROM schedules s JOIN users u ON u.id = s.owner_id WHERE s.id = $1`,
      [scheduleId],
    )) as ScheduleRow[];
    return rows[0];
  }

  return {
    async startScheduledRun({ scheduleId, runId }) {
      const s = await schedule(scheduleId);
      if (!s) return null;
      await dataSource.query(
        `INSERT INTO schedule_runs (run_id, schedule_id, status) VALUES ($1, $2, 'running')
         ON CONFLICT (run_id) DO NOTHING`,
        [runId, scheduleId],
      );
      if (s.owner_role === 'viewer')
        throw ApplicationFailure.nonRetryable(
          'the schedule owner may no longer start research jobs',
          'InvalidJobInput',
        );
      const { instrument, timeframe } = s.template.sweep;
      const found = (await dataSource.query(
        `SELECT i.data_version, (SELECT max(time) FROM bars WHERE instrument_id = i.id) AS last
           FROM instruments i WHERE i.id = $1`,
        [instrument],
      )) as Array<{ data_version: string; last: Date | null }>;
      const data = found[0];
      if (!data) throw ApplicationFailure.nonRetryable(`unknown instrument ${instrument}`, 'NoData');
      if (!data.last) throw ApplicationFailure.nonRetryable(`no bars for ${instrument}`, 'NoData');
      const range = scheduledRange(data.last.getTime(), timeframe, s.template.lookbackMs);
      const input = scheduledWalkForwardInput(s.template, range);
      if (input.folds === 0)
        throw ApplicationFailure.nonRetryable('the range is too short for one fold', 'InvalidJobInput');
      const jobId = deriveJobId({
        kind: 'walk-forward',
        ownerId: s.owner_id,
        input,
        dataVersion: data.data_version,
        engineVersion: ENGINE_VERSION,
      });
      const title = `walk-forward ${input.sweep.strategy} ${instrument} ${timeframe} (${input.folds} folds)`;
      await dataSource.query(
        `INSERT INTO jobs (id, kind, owner_id, status, progress, title, input, data_version, engine_version, workflow_id)
         VALUES ($1, 'walk-forward', $2, 'queued', 0, $3, $4::jsonb, $5, $6, $1)
         ON CONFLICT (id) DO NOTHING`,
        [jobId, s.owner_id, title, JSON.stringify(input), data.data_version, ENGINE_VERSION],
      );
      await dataSource.query(
        `UPDATE schedule_runs r
            SET job_id = $2, range_from = $3, range_to = $4, data_version = $5,
                reused_job = coalesce(r.reused_job, (SELECT j.created_at < r.started_at FROM jobs j WHERE j.id = $2))
          WHERE r.run_id = $1`,
        [runId, jobId, new Date(range.from), new Date(range.to), data.data_version],
      );
      const job = await dataSource.getRepository(JobEntity).findOneByOrFail({ id: jobId });
      if (job.status === 'queued') {
        const ctx = Context.current();
        try {
          await ctx.client.workflow.start(WALK_FORWARD_WORKFLOW_TYPE, {
            workflowId: job.workflowId,
            taskQueue: ctx.info.taskQueue,
            args: [{ jobId }],
            memo: { ownerId: job.ownerId, title: job.title },
          });
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
      }
      return { jobId, from: input.sweep.from, to: input.sweep.to };
    },

    async scheduledJobStatus({ jobId }) {
      const rows = (await dataSource.query(`SELECT status FROM jobs WHERE id = $1`, [jobId])) as Array<{
        status: JobStatus;
      }>;
      const status = rows[0]?.status;
      if (!status) throw ApplicationFailure.nonRetryable(`job ${jobId} no longer exists`, 'InvalidJobInput');
      return status;
    },

    async finishScheduledRun({ runId, jobId }) {
      const job = await dataSource.getRepository(JobEntity).findOneBy({ id: jobId });
      if (!job) throw ApplicationFailure.nonRetryable(`job ${jobId} no longer exists`, 'InvalidJobInput');
      let proposal: ScheduleProposal | null = null;
      let error: string | null = null;
      if (job.status === 'completed') {
        const rows = (await dataSource.query(`SELECT summary FROM walk_forward_summaries WHERE job_id = $1`, [
          jobId,
        ])) as Array<{ summary: WalkForwardSummary }>;
        const last = rows[0]?.summary.folds.at(-1);
        if (last)
          proposal = {
            params: last.params,
            fold: last.index,
            inSample: last.inSample,
            outOfSample: last.outOfSample,
            inSampleReturnPct: last.inSampleReturnPct,
            outOfSampleReturnPct: last.outOfSampleReturnPct,
          };
        else error = `walk-forward ${jobId} has no folds`;
      } else {
        error = `walk-forward ${jobId} ${job.status}${job.error ? `: ${job.error.message}` : ''}`;
      }
      const status = proposal ? 'completed' : 'failed';
      await dataSource.query(
        `UPDATE schedule_runs SET status = $2, proposal = $3::jsonb, error = $4, finished_at = coalesce(finished_at, now())
          WHERE run_id = $1`,
        [runId, status, proposal ? JSON.stringify(proposal) : null, error],
      );
      return status;
    },

    async failScheduledRun({ scheduleId, runId, message }) {
      await dataSource.query(
        `INSERT INTO schedule_runs (run_id, schedule_id, status, error, finished_at)
         SELECT $1, id, 'failed', $3, now() FROM schedules WHERE id = $2
         ON CONFLICT (run_id) DO UPDATE SET status = 'failed', error = excluded.error,
           finished_at = coalesce(schedule_runs.finished_at, excluded.finished_at)`,
        [runId, scheduleId, message],
      );
    },
  };
}
