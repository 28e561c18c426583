import { type JobStatus } from './jobs';
import { type ParamValues, type Timeframe, TIMEFRAME_MS } from './common';
import {
  type CanonicalWalkForwardInput,
  type CanonicalSweepInput,
  type WalkForwardRequest,
} from './research';

/** A walk-forward request without its range: every run covers the `lookbackDays` up to the newest bar. */
export interface ScheduledWalkForwardRequest extends Omit<WalkForwardRequest, 'from' | 'to'> {
  lookbackDays: number;
}

export interface ScheduleRequest {
  /** Default: `<strategy> <instrument> <timeframe> every <cadence>`. */
  name?: string;
  walkForward: ScheduledWalkForwardRequest;
  /** A fixed interval: a whole number and a unit, `m`, `h`, `d` or `w` (`30m`, `12h`, `7d`, `1w`). */
  every?: string;
  /** Five cron fields in UTC (`minute hour day-of-month month day-of-week`), e.g. `0 6 * * 1`. */
  cron?: string;
  /** Create the schedule paused. */
  paused?: boolean;
}

/**
 * What every run of a schedule reuses: the canonical walk-forward input with every default
 * filled in, except the range, which each run derives from the data.
 */
export interface ScheduleTemplate extends Omit<CanonicalWalkForwardInput, 'sweep' | 'folds'> {
  sweep: Omit<CanonicalSweepInput, 'from' | 'to'>;
  lookbackMs: number;
}

export const SCHEDULE_RUN_STATUSES = ['running', 'completed', 'failed'] as const;
export type ScheduleRunStatus = (typeof SCHEDULE_RUN_STATUSES)[number];

/** What a run proposes for going forward: the parameters the walk-forward chose in its last fold. */
export interface ScheduleProposal {
  /** Null when no cell passed the constraints in the last fold. */
  params: ParamValues | null;
  fold: number;
  inSample: { from: string; to: string };
  outOfSample: { from: string; to: string };
  inSampleReturnPct: number | null;
  outOfSampleReturnPct: number;
}

export interface ScheduleRunDto {
  /** The workflow id of the run (Temporal appends the scheduled time to the schedule's). */
  runId: string;
  status: ScheduleRunStatus;
  jobId: string | null;
  /** The walk-forward's range: `lookbackDays` ending at the newest complete bar. */
  from: string | null;
  to: string | null;
  dataVersion: string | null;
  /** The walk-forward job existed before this run (same input on unchanged data), so nothing was recomputed. */
  reusedJob: boolean | null;
  proposal: ScheduleProposal | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  links: { job?: string; walkForward?: string };
}

export interface ScheduleDto {
  id: string;
  name: string;
  ownerId: string;
  template: ScheduleTemplate;
  lookbackDays: number;
  every: string | null;
  cron: string | null;
  /** As last set through the API; `GET /api/schedules/:id` reads Temporal's own state. */
  paused: boolean;
  createdAt: string;
  lastRun: ScheduleRunDto | null;
  links: { self: string; temporal: string };
}

/** The schedule as Temporal describes it. */
export interface ScheduleStateDto {
  paused: boolean;
  note: string | null;
  nextRunTimes: string[];
  recentActions: Array<{ scheduledAt: string; takenAt: string; workflowId: string }>;
  runningWorkflows: string[];
  actionsTaken: number;
  actionsSkippedOverlap: number;
}

export interface ScheduleDetailDto extends ScheduleDto {
  /** Null when Temporal no longer knows the schedule. */
  state: ScheduleStateDto | null;
  /** Newest first, at most 50. */
  runs: ScheduleRunDto[];
}

export const SCHEDULED_WALK_FORWARD_WORKFLOW_TYPE = 'scheduledWalkForwardWorkflow';

export interface ScheduledWalkForwardInput {
  scheduleId: string;
}

export interface ScheduledWalkForwardResult {
  scheduleId: string;
  runId: string;
  status: ScheduleRunStatus | 'skipped';
  jobId: string | null;
}

/** The scheduled run's activities; the workflow imports this type only. */
export interface ScheduleActivities {
  /**
   * Derives the range from the newest bar, creates (or finds) the walk-forward job for it and
   * starts its workflow; null when the schedule no longer exists.
   */
  startScheduledRun(input: {
    scheduleId: string;
    runId: string;
  }): Promise<{ jobId: string; from: string; to: string } | null>;
  scheduledJobStatus(input: { jobId: string }): Promise<JobStatus>;
  /** Records the proposal (or the job's failure) on the run. */
  finishScheduledRun(input: { scheduleId: string; runId: string; jobId: string }): Promise<ScheduleRunStatus>;
  failScheduledRun(input: { scheduleId: string; runId: string; message: string }): Promise<void>;
}

const MINUTE_MS = 60_000;

/**
 * The range a scheduled run covers: `lookbackMs` ending where the newest complete bar of the
 * timeframe ends. Bars are stored by the minute; a timeframe bucket still being filled is left
 * out, so the range only moves when a whole new bar exists.
 */
export function scheduledRange(
  lastMinuteBarMs: number,
  timeframe: Timeframe,
  lookbackMs: number,
): { from: number; to: number } {
  const step = TIMEFRAME_MS[timeframe];
  const to = Math.floor((lastMinuteBarMs + MINUTE_MS) / step) * step;
  return { from: to - lookbackMs, to };
}
