import { type JobStatus, type ScheduleActivities } from '@gauntlet/contracts';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { workflowSource } from '../../apps/worker/src/workflow-bundle';
import { temporalBinary } from '../support/env';

/** The scheduled run's workflow on a real local Temporal server, with its activities replaced. */
describe('scheduledWalkForwardWorkflow', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: temporalBinary() }, ip: '127.0.0.1' },
    });
  }, 90_000);

  afterAll(async () => {
    await env?.teardown();
  });

  function fakeActivities(
    start: ScheduleActivities['startScheduledRun'],
    statuses: JobStatus[] = ['completed'],
  ): { activities: ScheduleActivities; calls: string[] } {
    const calls: string[] = [];
    const activities: ScheduleActivities = {
      startScheduledRun: async (input) => {
        calls.push(`start ${input.scheduleId} ${input.runId}`);
        return start(input);
      },
      scheduledJobStatus: async ({ jobId }) => {
        const status = statuses.shift() ?? 'completed';
        calls.push(`status ${jobId} ${status}`);
        return status;
      },
      finishScheduledRun: async ({ runId, jobId }) => {
        calls.push(`finish ${runId} ${jobId}`);
        return 'completed';
      },
      failScheduledRun: async ({ runId, message }) => {
        calls.push(`fail ${runId} ${message}`);
      },
    };
    return { activities, calls };
  }

  async function run(activities: ScheduleActivities, id: string): Promise<unknown> {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: id,
      activities,
      ...workflowSource(),
    });
    return worker.runUntil(
      env.client.workflow
        .execute('scheduledWalkForwardWorkflow', {
          taskQueue: id,
          workflowId: id,
          args: [{ scheduleId: 'sc_1' }],
        })
        .catch((e: unknown) => e),
    );
  }

  it('waits for the walk-forward job to end, then records the run under its workflow id', async () => {
    const job = { jobId: 'wf_1', from: '2024-01-21T00:00:00.000Z', to: '2024-03-01T00:00:00.000Z' };
    const { activities, calls } = fakeActivities(async () => job, ['queued', 'running', 'completed']);
    const result = await run(activities, 'sched-complete');
    expect(result).toEqual({
      scheduleId: 'sc_1',
      runId: 'sched-complete',
      status: 'completed',
      jobId: 'wf_1',
    });
    expect(calls).toEqual([
      'start sc_1 sched-complete',
      'status wf_1 queued',
      'status wf_1 running',
      'status wf_1 completed',
      'finish sched-complete wf_1',
    ]);
  });

  it('does nothing when the schedule was deleted before the run began', async () => {
    const { activities, calls } = fakeActivities(async () => null);
    const result = await run(activities, 'sched-gone');
    expect(result).toEqual({ scheduleId: 'sc_1', runId: 'sched-gone', status: 'skipped', jobId: null });
    expect(calls).toEqual(['start sc_1 sched-gone']);
  });

  it('records a failure once, without retrying what cannot succeed', async () => {
    const { activities, calls } = fakeActivities(async () => {
      throw ApplicationFailure.nonRetryable('no bars for demo:X', 'NoData');
    });
    const err = await run(activities, 'sched-fail');
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(calls).toEqual(['start sc_1 sched-fail', 'fail sched-fail no bars for demo:X']);
  });
});
