import {
  PROGRESS_QUERY,
  type SweepActivities,
  type SweepPlan,
  type SweepWorkflowInput,
  type SweepWorkflowResult,
  type WorkflowProgress,
} from '@gauntlet/contracts';
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  continueAsNew,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

export const sweepProgressQuery = defineQuery<WorkflowProgress>(PROGRESS_QUERY);

/**
 * Batches finished by one run of the workflow before it continues as new. Each batch costs about
 * ten history events, so this keeps a run far below Temporal's 50,000-event limit.
 */
export const BATCHES_PER_RUN = 500;

const bookkeeping = proxyActivities<SweepActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 10, initialInterval: '1 second', maximumInterval: '10 seconds' },
});

/**
 * Proposing a round is seconds of CPU work at most (the model grows with the trials run so far);
 * the activity heartbeats around it, so a worker that dies mid-proposal is noticed quickly.
 */
const proposals = proxyActivities<SweepActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    maximumAttempts: 5,
    initialInterval: '2 seconds',
    nonRetryableErrorTypes: ['InvalidJobInput'],
  },
});

const batches = proxyActivities<SweepActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  // Cancelling the sweep waits until every batch has acknowledged, so none keeps running.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    maximumAttempts: 5,
    initialInterval: '2 seconds',
    nonRetryableErrorTypes: ['InvalidJobInput', 'NoData'],
  },
});

/**
 * A parameter sweep: the combinations are cut into batches that run as activities, a bounded
 * number at a time. Only a cursor and counts travel through history; the cells themselves are
 * re-derived from the job's canonical input by each activity and the results go to PostgreSQL.
 */
export async function sweepWorkflow(input: SweepWorkflowInput): Promise<SweepWorkflowResult> {
  const { jobId } = input;
  let progress: WorkflowProgress = { status: 'queued', progress: 0 };
  setHandler(sweepProgressQuery, () => progress);
  const firstRun = (input.nextBatch ?? 0) === 0 && (input.nextRound ?? 0) === 0;
  let carry: SweepWorkflowInput | null = null;
  try {
    if (firstRun) await bookkeeping.markJobRunning({ jobId });
    const plan: SweepPlan = await bookkeeping.planSweep({ jobId });
    if (plan.rounds) {
      const outcome = await adaptiveRounds(input, plan, plan.rounds, (p) => (progress = p));
      if (outcome.carry) carry = outcome.carry;
      else {
        const { trials } = await batches.finishSweep({ jobId });
        await bookkeeping.markJobFinished({ jobId, status: 'completed' });
        progress = { status: 'completed', progress: 1 };
        return { jobId, trials };
      }
    } else {
      let next = input.nextBatch ?? 0;
      let batchesDone = input.batchesDone ?? 0;
      let cellsDone = input.cellsDone ?? 0;
      let finishedThisRun = 0;
      progress = { status: 'running', progress: plan.cells > 0 ? cellsDone / plan.cells : 0 };

      let failed = false;
      const worker = async (): Promise<void> => {
        while (
          !failed &&
          next < plan.batches &&
          finishedThisRun < BATCHES_PER_RUN &&
          !workflowInfo().continueAsNewSuggested
        ) {
          const batch = next++;
          try {
            const r = await batches.runSweepBatch({ jobId, batch });
            batchesDone++;
            finishedThisRun++;
            cellsDone += r.cells;
          } catch (err) {
            failed = true;
            throw err;
          }
          progress = {
            status: 'running',
            progress: cellsDone / plan.cells,
            message: `${cellsDone}/${plan.cells} cells`,
          };
        }
      };
      // Every lane settles before the outcome is decided, so a cancelled or failed sweep never
      // leaves a batch running behind its final status.
      const lanes = await Promise.allSettled(
        Array.from({ length: Math.max(1, plan.concurrency) }, () => worker()),
      );
      const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
      if (rejected) throw rejected.reason;
      if (next < plan.batches) {
        await bookkeeping.reportSweepProgress({ jobId, cellsDone, cells: plan.cells });
        carry = { jobId, nextBatch: next, batchesDone, cellsDone };
      } else {
        // Ranking and the overfitting re-runs take engine time: the long, heartbeating options apply.
        const { trials } = await batches.finishSweep({ jobId });
        await bookkeeping.markJobFinished({ jobId, status: 'completed' });
        progress = { status: 'completed', progress: 1 };
        return { jobId, trials };
      }
    }
  } catch (err) {
    // A batch that stopped because the sweep was cancelled may report a failure rather than a
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
    throw ApplicationFailure.nonRetryable(message, 'SweepFailed');
  }
  // Outside the try: continuing as new is signalled by a throw that must not count as a failure.
  return await continueAsNew<typeof sweepWorkflow>(carry);
}

/** Rounds of an adaptive sweep run by one run of the workflow before it continues as new. */
export const ROUNDS_PER_RUN = 200;

/**
 * An adaptive sweep: per round, one activity proposes and stores the round's cells from the
 * earlier rounds' results, then the round runs as ordinary batches. A round is finished before
 * the next is proposed, and only the round cursor and counts are carried across continue-as-new.
 */
async function adaptiveRounds(
  input: SweepWorkflowInput,
  plan: SweepPlan,
  rounds: NonNullable<SweepPlan['rounds']>,
  report: (p: WorkflowProgress) => void,
): Promise<{ carry: SweepWorkflowInput | null }> {
  const { jobId } = input;
  let round = input.nextRound ?? 0;
  let cellsDone = input.cellsDone ?? 0;
  let batchesThisRun = 0;
  let roundsThisRun = 0;
  report({ status: 'running', progress: plan.cells > 0 ? cellsDone / plan.cells : 0 });
  while (round < rounds.count) {
    if (
      roundsThisRun >= ROUNDS_PER_RUN ||
      batchesThisRun >= BATCHES_PER_RUN ||
      workflowInfo().continueAsNewSuggested
    ) {
      await bookkeeping.reportSweepProgress({ jobId, cellsDone, cells: plan.cells });
      return { carry: { jobId, nextRound: round, cellsDone } };
    }
    await proposals.proposeSweepRound({ jobId, round });
    const first = round * rounds.batchesPerRound;
    let next = first;
    let failed = false;
    const lane = async (): Promise<void> => {
      while (!failed && next < first + rounds.batchesPerRound) {
        const batch = next++;
        try {
          const r = await batches.runSweepBatch({ jobId, batch });
          cellsDone += r.cells;
          batchesThisRun++;
        } catch (err) {
          failed = true;
          throw err;
        }
        report({
          status: 'running',
          progress: cellsDone / plan.cells,
          message: `round ${round + 1}/${rounds.count}: ${cellsDone}/${plan.cells} cells`,
        });
      }
    };
    const lanes = await Promise.allSettled(
      Array.from({ length: Math.max(1, Math.min(plan.concurrency, rounds.batchesPerRound)) }, () => lane()),
    );
    const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (rejected) throw rejected.reason;
    round++;
    roundsThisRun++;
  }
  return { carry: null };
}
