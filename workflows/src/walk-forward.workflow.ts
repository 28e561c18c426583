import { PROGRESS_QUERY, type WalkForwardActivities, type WorkflowProgress } from '@gauntlet/contracts';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  defineQuery,
  executeChild,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { sweepWorkflow } from './sweep.workflow';

export const walkForwardProgressQuery = defineQuery<WorkflowProgress>(PROGRESS_QUERY);

const bookkeeping = proxyActivities<WalkForwardActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 10, initialInterval: '1 second', maximumInterval: '10 seconds' },
});

const engine = proxyActivities<WalkForwardActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: {
    maximumAttempts: 5,
    initialInterval: '2 seconds',
    nonRetryableErrorTypes: ['InvalidJobInput', 'NoData'],
  },
});

/**
 * Per fold: a child sweep in-sample (its own job, visible on the jobs page), then a backtest
 * out-of-sample with the parameters it chose. Folds run in order; cancelling the walk-forward
 * cancels the running child sweep too.
 */
export async function walkForwardWorkflow(input: {
  jobId: string;
}): Promise<{ jobId: string; folds: number }> {
  const { jobId } = input;
  let progress: WorkflowProgress = { status: 'queued', progress: 0 };
  setHandler(walkForwardProgressQuery, () => progress);
  try {
    await bookkeeping.markJobRunning({ jobId });
    const { folds } = await bookkeeping.planWalkForward({ jobId });
    for (let fold = 0; fold < folds; fold++) {
      progress = {
        status: 'running',
        progress: fold / folds,
        message: `fold ${fold + 1}/${folds}: in-sample sweep`,
      };
      const sweepJobId = await bookkeeping.prepareFoldSweep({ jobId, fold });
      await executeChild(sweepWorkflow, { workflowId: sweepJobId, args: [{ jobId: sweepJobId }] });
      progress = {
        status: 'running',
        progress: (fold + 0.9) / folds,
        message: `fold ${fold + 1}/${folds}: out of sample`,
      };
      await engine.runFoldOutOfSample({ jobId, fold, sweepJobId });
    }
    await bookkeeping.finishWalkForward({ jobId });
    await bookkeeping.markJobFinished({ jobId, status: 'completed' });
    progress = { status: 'completed', progress: 1 };
    return { jobId, folds };
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() =>
        bookkeeping.markJobFinished({ jobId, status: 'cancelled' }),
      );
      progress = { status: 'cancelled', progress: progress.progress };
      throw err;
    }
    const cause =
      (err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) && err.cause ? err.cause : err;
    const message = cause instanceof Error ? cause.message : String(cause);
    const where =
      err instanceof ActivityFailure
        ? `activity ${err.activityType}`
        : err instanceof ChildWorkflowFailure
          ? `child workflow ${err.execution.workflowId}`
          : 'workflow';
    await bookkeeping.markJobFinished({ jobId, status: 'failed', error: { message, where } });
    progress = { status: 'failed', progress: progress.progress, message };
    throw ApplicationFailure.nonRetryable(message, 'WalkForwardFailed');
  }
}
