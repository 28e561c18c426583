import {
  type ScheduleActivities,
  type ScheduledWalkForwardInput,
  type ScheduledWalkForwardResult,
  TERMINAL_JOB_STATUSES,
} from '@gauntlet/contracts';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';

const bookkeeping = proxyActivities<ScheduleActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    maximumAttempts: 10,
    initialInterval: '1 second',
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: ['InvalidJobInput', 'NoData'],
  },
});

/** Waiting for the walk-forward polls between timers, so no activity slot is held while it runs. */
const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 15_000;

/**
 * One run of a schedule: the walk-forward over the newest `lookbackDays` runs as an ordinary job
 * (the same input on unchanged data finds the existing job), and the parameters its last fold
 * chose are recorded on the run. The range comes from an activity reading the data, never from
 * the clock.
 */
export async function scheduledWalkForwardWorkflow(
  input: ScheduledWalkForwardInput,
): Promise<ScheduledWalkForwardResult> {
  const { scheduleId } = input;
  const runId = workflowInfo().workflowId;
  try {
    const run = await bookkeeping.startScheduledRun({ scheduleId, runId });
    if (!run) return { scheduleId, runId, status: 'skipped', jobId: null };
    let wait = FIRST_POLL_MS;
    while (!TERMINAL_JOB_STATUSES.includes(await bookkeeping.scheduledJobStatus({ jobId: run.jobId }))) {
      await sleep(wait);
      wait = Math.min(wait * 2, MAX_POLL_MS);
    }
    const status = await bookkeeping.finishScheduledRun({ scheduleId, runId, jobId: run.jobId });
    return { scheduleId, runId, status, jobId: run.jobId };
  } catch (err) {
    const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
    const message = isCancellation(err)
      ? 'the scheduled run was cancelled'
      : cause instanceof Error
        ? cause.message
        : String(cause);
    await CancellationScope.nonCancellable(() =>
      bookkeeping.failScheduledRun({ scheduleId, runId, message }),
    );
    if (isCancellation(err)) throw err;
    throw ApplicationFailure.nonRetryable(message, 'ScheduledRunFailed');
  }
}
