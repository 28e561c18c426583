import { type BacktestActivities, type JobError } from '@gauntlet/contracts';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { workflowSource } from '../../apps/worker/src/workflow-bundle';
import { temporalBinary } from '../support/env';
import { progressQuery } from '../../workflows/src/backtest.workflow';

/** The backtest workflow on a real local Temporal server, with its activities replaced. */
describe('backtestWorkflow', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: temporalBinary() }, ip: '127.0.0.1' },
    });
  }, 90_000);

  afterAll(async () => {
    await env?.teardown();
  });

  function fakeActivities(run: BacktestActivities['runBacktest']) {
    const finished: Array<{ status: string; error?: JobError }> = [];
    const activities: BacktestActivities = {
      markJobRunning: async () => undefined,
      markJobFinished: async ({ status, error }) => {
        finished.push({ status, ...(error ? { error } : {}) });
      },
      runBacktest: run,
    };
    return { activities, finished };
  }

  async function withWorker<T>(
    activities: BacktestActivities,
    taskQueue: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      activities,
      ...workflowSource(),
    });
    return worker.runUntil(fn());
  }

  it('runs the engine activity and records completion', async () => {
    const { activities, finished } = fakeActivities(async () => ({
      tradeCount: 4,
      equityFinal: 10500,
      bars: 100,
    }));
    const [result, progress] = await withWorker(activities, 'wf-complete', async () => {
      const r = await env.client.workflow.execute('backtestWorkflow', {
        taskQueue: 'wf-complete',
        workflowId: 'bt-complete',
        args: [{ jobId: 'bt-complete' }],
      });
      // A completed workflow still answers queries while a worker serves its queue.
      return [r, await env.client.workflow.getHandle('bt-complete').query(progressQuery)] as const;
    });
    expect(result).toEqual({ jobId: 'bt-complete', tradeCount: 4, equityFinal: 10500 });
    expect(finished).toEqual([{ status: 'completed' }]);
    expect(progress).toEqual({ status: 'completed', progress: 1 });
  });

  it('records a failure with the activity that failed, without endless retries', async () => {
    let calls = 0;
    const { activities, finished } = fakeActivities(async () => {
      calls++;
      throw ApplicationFailure.nonRetryable('no bars for demo:X in the requested range', 'NoData');
    });
    await withWorker(activities, 'wf-fail', async () => {
      const err = await env.client.workflow
        .execute('backtestWorkflow', {
          taskQueue: 'wf-fail',
          workflowId: 'bt-fail',
          args: [{ jobId: 'bt-fail' }],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
    });
    expect(calls).toBe(1);
    expect(finished).toEqual([
      {
        status: 'failed',
        error: { message: 'no bars for demo:X in the requested range', where: 'activity runBacktest' },
      },
    ]);
  });

  it('marks the job cancelled when the workflow is cancelled mid-run', async () => {
    const { activities, finished } = fakeActivities(async () => {
      const { Context } = await import('@temporalio/activity');
      const ctx = Context.current();
      for (;;) {
        ctx.heartbeat();
        await ctx.sleep(100);
      }
    });
    await withWorker(activities, 'wf-cancel', async () => {
      const handle = await env.client.workflow.start('backtestWorkflow', {
        taskQueue: 'wf-cancel',
        workflowId: 'bt-cancel',
        args: [{ jobId: 'bt-cancel' }],
      });
      await new Promise((r) => setTimeout(r, 1_000));
      expect((await handle.query(progressQuery)).status).toBe('running');
      await handle.cancel();
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    });
    expect(finished).toEqual([{ status: 'cancelled' }]);
  });
});
