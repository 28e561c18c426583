import { type Context } from '@temporalio/activity';

/**
 * The error an activity should end with after the engine stopped with `err`. When the activity
 * itself was cancelled, the engine's "task was cancelled" error is replaced by Temporal's own
 * cancellation, so the activity is reported as cancelled rather than failed and the workflow
 * records the job as cancelled.
 */
export async function engineError(ctx: Context, err: unknown): Promise<unknown> {
  if (!ctx.cancellationSignal.aborted) return err;
  try {
    await ctx.cancelled;
  } catch (cancelled) {
    return cancelled;
  }
  return err;
}
