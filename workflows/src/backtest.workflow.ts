import {
  type BacktestActivities,
  type BacktestWorkflowInput,
  type BacktestWorkflowResult,
  PROGRESS_QUERY,
  type WorkflowProgress,
} from '@gauntlet/contracts';
import {
  ApplicationFailure,
  ActivityFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';

export const progressQuery = defineQuery<WorkflowProgress>(PROGRESS_QUERY);

const bookkeeping = proxyActivities<BacktestActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 10, initialInterval: '1 second', maximumInterval: '10 seconds' },
});

const engine = proxyActivities<BacktestActivities>({
  startToCloseTimeout: '2 hours',
  // The activity heartbeats while the engine runs in its thread; a silent worker is presumed dead.
  heartbeatTimeout: '30 seconds',
  retry: {
    maximumAttempts: 3,
    initialInterval: '2 seconds',
    nonRetryableErrorTypes: ['InvalidJobInput', 'NoData'],
  },
});

/** One strategy, one parameter set, one data range. */
export async function backtestWorkflow(input: BacktestWorkflowInput): Promise<BacktestWorkflowResult> {
  let progress: WorkflowProgress = { status: 'queued', progress: 0 };
  setHandler(progressQuery, () => progress);
  const { jobId } = input;
  try {
    await bookkeeping.markJobRunning({ jobId });
    progress = { status: 'running', progress: 0, message: 'running the engine' };
    const summary = await engine.runBacktest({ jobId });
    await bookkeeping.markJobFinished({ jobId, status: 'completed' });
    progress = { status: 'completed', progress: 1 };
    return { jobId, tradeCount: summary.tradeCount, equityFinal: summary.equityFinal };
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() =>
        bookkeeping.markJobFinished({ jobId, status: 'cancelled' }),
      );
      progress = { status: 'cancelled', progress: progress.progress };
      throw err;
    }
    const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
    const message = cause instanceof Error ? cause.message : String(cause);
    const where = err instanceof ActivityFailure ? `activity ${err.activityType}` : 'workflow';
    await bookkeeping.markJobFinished({ jobId, status: 'failed', error: { message, where } });
    progress = { status: 'failed', progress: progress.progress, message };
    throw ApplicationFailure.nonRetryable(message, 'BacktestFailed');
  }
}
