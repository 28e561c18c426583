export const JOB_KINDS = ['backtest', 'sweep', 'walk-forward', 'monte-carlo', 'graduation'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export interface JobLinks {
  self: string;
  events: string;
  cancel: string;
  /** The report, once there is one. */
  result?: string;
  /** Operators' view of the workflow in the Temporal Web UI. */
  temporal?: string;
}

export interface JobError {
  message: string;
  /** Which step failed, e.g. `activity runBacktest`. */
  where?: string;
}

export interface JobDto {
  id: string;
  kind: JobKind;
  status: JobStatus;
  /** 0..1 */
  progress: number;
  /** A short human summary, e.g. `sma-crossover demo:BTCUSDT 1h`. */
  title: string;
  ownerId: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: JobError | null;
  links: JobLinks;
  /** The job that started this one, e.g. the walk-forward a fold's sweep belongs to. */
  parentJobId?: string;
}

export interface JobListQuery {
  kind?: JobKind;
  status?: JobStatus;
  limit?: number;
  offset?: number;
}

/** Sent on `GET /api/jobs/:id/events` as server-sent events named `progress`. */
export interface JobProgressEvent {
  jobId: string;
  status: JobStatus;
  progress: number;
  message?: string;
  at: string;
}

/** What a workflow answers to its `progress` query. */
export interface WorkflowProgress {
  status: JobStatus;
  progress: number;
  message?: string;
}
