import { type MonteCarloActivities, PROGRESS_QUERY, type WorkflowProgress } from '@gauntlet/contracts';
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';

export const monteCarloProgressQuery = defineQuery<WorkflowProgress>(PROGRESS_QUERY);

const bookkeeping = proxyActivities<MonteCarloActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 10, initialInterval: '1 second', maximumInterval: '10 seconds' },
});

const simulation = proxyActivities<MonteCarloActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { maximumAttempts: 3, initialInterval: '2 seconds', nonRetryableErrorTypes: ['InvalidJobInput'] },
});

/** Resamples a finished backtest's trades; the simulation is seeded, so a retry gives the same result. */
export async function monteCarloWorkflow(input: { jobId: string }): Promise<{ jobId: string; runs: number }> {
  let progress: WorkflowProgress = { status: 'queued', progress: 0 };
  setHandler(monteCarloProgressQuery, () => progress);
  const { jobId } = input;
  try {
    await bookkeeping.markJobRunning({ jobId });
    progress = { status: 'running', progress: 0, message: 'simulating' };
    const { runs } = await simulation.runMonteCarlo({ jobId });
    await bookkeeping.markJobFinished({ jobId, status: 'completed' });
    progress = { status: 'completed', progress: 1 };
    return { jobId, runs };
  } catch (err) {
    // A simulation that stopped because the job was cancelled may report a failure rather than a
    // cancellation; once cancellation was requested, the job ends cancelled either way.
    if (isCancellation(err) || CancellationScope.current().consideredCancelled) {
      await CancellationScope.nonCancellable(() =>
        bookkeeping.markJobFinished({ jobId, status: 'cancelled' }),
      );
      progress = { status: 'cancelled', progress: progress.progress };
      throw isCancellation(err) ? err : new CancelledFailure('the job was cancelled');
    }
    const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
    const message = cause instanceof Error ? cause.message : String(cause);
    const where = err instanceof ActivityFailure ? `activity ${err.activityType}` : 'workflow';
    await bookkeeping.markJobFinished({ jobId, status: 'failed', error: { message, where } });
    progress = { status: 'failed', progress: progress.progress, message };
    throw ApplicationFailure.nonRetryable(message, 'MonteCarloFailed');
  }
}
