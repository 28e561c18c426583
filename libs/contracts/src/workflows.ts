import { type JobError, type JobStatus } from './jobs';

/** Workflow type names, shared by the API (which starts them) and the worker (which registers them). */
export const WORKFLOW_TYPES = {
  backtest: 'backtestWorkflow',
} as const;

export const PROGRESS_QUERY = 'progress';

export interface BacktestWorkflowInput {
  /** Only the id travels: the activity reads the canonical input from the jobs table. */
  jobId: string;
}

export interface BacktestWorkflowResult {
  jobId: string;
  tradeCount: number;
  equityFinal: number;
}

export interface BacktestRunSummary {
  tradeCount: number;
  equityFinal: number;
  bars: number;
}

/**
 * The activities the backtest workflow calls. Workflows import this type only; the worker
 * implements it with real dependencies.
 */
export interface JobActivities {
  markJobRunning(input: { jobId: string }): Promise<void>;
  markJobFinished(input: {
    jobId: string;
    status: Extract<JobStatus, 'completed' | 'failed' | 'cancelled'>;
    error?: JobError;
  }): Promise<void>;
}

export interface BacktestActivities extends JobActivities {
  runBacktest(input: { jobId: string }): Promise<BacktestRunSummary>;
}
