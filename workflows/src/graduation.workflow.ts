import {
  BOT_SIGNALS,
  BOT_WORKFLOW_TYPE,
  type BotWorkflowInput,
  GRADUATION_DECISION_SIGNAL,
  GRADUATION_STATE_QUERY,
  type GraduationActivities,
  type GraduationBotHealth,
  type GraduationBotRef,
  type GraduationBotStage,
  type GraduationDecision,
  type GraduationStatus,
  type GraduationWorkflowInput,
  type GraduationWorkflowState,
} from '@gauntlet/contracts';
import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';

export const graduationStateQuery = defineQuery<GraduationWorkflowState>(GRADUATION_STATE_QUERY);
export const graduationDecisionSignal = defineSignal<[GraduationDecision]>(GRADUATION_DECISION_SIGNAL);

const acts = proxyActivities<GraduationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 20, initialInterval: '500 milliseconds', maximumInterval: '5 seconds' },
});

/** Health checks per run while live before `continueAsNew`, so a live graduation's history stays short. */
const CHECKS_PER_RUN = 500;

export function initialGraduationState(): GraduationWorkflowState {
  return {
    status: 'paper',
    reason: null,
    paperBotId: null,
    liveBotId: null,
    rampIndex: 0,
    decision: null,
  };
}

function pct(fraction: number): string {
  return `${Math.round(fraction * 10_000) / 100}%`;
}

/**
 * A strategy's way from paper to live. A paper bot trades the evaluation period; the period is
 * replayed through the engine and compared trade by trade, and the criteria are checked; an admin
 * approves or rejects (or the approval times out); the live bot starts at the first fraction of
 * the target capital and is raised step by step while its limits hold; a breach of the live
 * bot's risk limits demotes the strategy back to paper. Bots run as child workflows that outlive
 * this one; every step is recorded once (timeline, status, notification) by an activity.
 */
export async function graduationWorkflow(input: GraduationWorkflowInput): Promise<GraduationWorkflowState> {
  const { graduationId, periods, rampSteps } = input;
  const state: GraduationWorkflowState = input.state ?? initialGraduationState();
  let decision: GraduationDecision | null = null;
  setHandler(graduationStateQuery, () => ({ ...state }));
  setHandler(graduationDecisionSignal, (d) => {
    // Only the first decision while waiting counts; the API refuses the others with a 409.
    if (state.status === 'awaiting-approval' && decision === null) decision = d;
  });

  const record = async (
    key: string,
    step: string,
    status: GraduationStatus,
    message: string,
    data?: Record<string, unknown>,
  ): Promise<void> => {
    state.status = status;
    state.reason = message;
    await acts.recordGraduationStep({ graduationId, key, step, status, message, ...(data ? { data } : {}) });
  };

  const startBot = async (stage: GraduationBotStage, fraction: number): Promise<GraduationBotRef> => {
    const ref = await acts.createGraduationBot({ graduationId, stage, capitalFraction: fraction });
    const args: BotWorkflowInput = {
      botId: ref.botId,
      stepMs: ref.stepMs,
      continueAsNewEvery: ref.continueAsNewEvery,
    };
    await startChild(BOT_WORKFLOW_TYPE, {
      workflowId: ref.workflowId,
      args: [args],
      // The bot outlives the graduation: a live bot keeps trading once the graduation is done.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    await getExternalWorkflowHandle(ref.workflowId).signal(BOT_SIGNALS.start);
    return ref;
  };

  const health = (botId: string): Promise<GraduationBotHealth> => acts.graduationBotHealth({ botId });

  /** Waits `ms`, checking the bot every `checkMs`; stops early on a breach or when the bot has ended. */
  const watch = async (
    botId: string,
    ms: number,
  ): Promise<{ kind: 'ok' | 'breach' | 'ended'; health: GraduationBotHealth }> => {
    // Time counted as the sum of the sleeps (the checks themselves take milliseconds).
    let left = ms;
    for (;;) {
      const h = await health(botId);
      if (h.breach) return { kind: 'breach', health: h };
      if (h.status === 'stopped' || h.status === 'killed') return { kind: 'ended', health: h };
      if (left <= 0) return { kind: 'ok', health: h };
      const wait = Math.min(periods.checkMs, left);
      await sleep(wait);
      left -= wait;
    }
  };

  const waitUntil = async (
    botId: string,
    ok: (h: GraduationBotHealth) => boolean,
  ): Promise<GraduationBotHealth> => {
    for (;;) {
      const h = await health(botId);
      if (ok(h)) return h;
      await sleep(Math.min(periods.checkMs, 1_000));
    }
  };

  const demote = async (liveBot: string, reason: string): Promise<GraduationWorkflowState> => {
    const bot = await health(liveBot);
    if (bot.status !== 'killed') {
      await getExternalWorkflowHandle(`bot-${liveBot}`).signal(
        BOT_SIGNALS.kill,
        `demoted to paper: ${reason}`,
      );
      await waitUntil(liveBot, (h) => h.status === 'killed');
    }
    const paper = await startBot('demoted', 0);
    await record(
      'demoted',
      'demoted',
      'demoted',
      `the live bot breached a limit (${reason}); back to paper`,
      {
        liveBotId: liveBot,
        paperBotId: paper.botId,
      },
    );
    return state;
  };

  if (!input.state) {
    // 1. Paper trading for the evaluation period.
    const paper = await startBot('paper', 0);
    state.paperBotId = paper.botId;
    await record('paper-started', 'paper-started', 'paper', `paper bot trades for ${periods.paperMs} ms`, {
      botId: paper.botId,
    });
    await sleep(periods.paperMs);
    await getExternalWorkflowHandle(paper.workflowId).signal(BOT_SIGNALS.stop);
    await waitUntil(paper.botId, (h) => h.status === 'stopped' || h.status === 'killed');

    // 2. Evaluation against the criteria and the engine's replay of the same period.
    await record('evaluating', 'evaluating', 'evaluating', 'replaying the paper period through the engine');
    const evaluation = await acts.evaluateGraduation({ graduationId });
    const failing = evaluation.criteria.filter((c) => !c.pass);
    if (failing.length > 0) {
      const what = failing
        .map((c) => `${c.name} ${c.actual ?? 'n/a'} (needs ${c.op} ${c.threshold})`)
        .join(', ');
      await record('evaluated', 'evaluated', 'failed', `criteria not met: ${what}`, {
        failing: failing.map((c) => c.name),
      });
      return state;
    }
    await record('evaluated', 'evaluated', 'awaiting-approval', 'every criterion met; waiting for an admin', {
      trackingError: evaluation.trackingError,
      matched: evaluation.matched,
    });

    // 3. An admin's decision, or the timeout.
    const decided = await condition(() => decision !== null, periods.approvalTimeoutMs);
    const d = decision as GraduationDecision | null;
    if (!decided || d === null) {
      await record('expired', 'expired', 'expired', `no decision within ${periods.approvalTimeoutMs} ms`);
      return state;
    }
    state.decision = { decision: d.decision, by: d.by, note: d.note };
    const note = d.note ? `: ${d.note}` : '';
    if (d.decision === 'reject') {
      await record('decided', 'rejected', 'rejected', `rejected by ${d.by}${note}`, { decision: d });
      return state;
    }
    await record('decided', 'approved', 'ramping', `approved by ${d.by}${note}`, { decision: d });

    // 4. Live, at the first fraction of the target capital.
    const first = rampSteps[0] as number;
    const live = await startBot('live', first);
    state.liveBotId = live.botId;
    await record(
      'live-started',
      'live-started',
      rampSteps.length === 1 ? 'live' : 'ramping',
      `live bot trades ${pct(first)} of the target capital`,
      { botId: live.botId, fraction: first },
    );
  }

  // 5. The ramp, then watching the live bot; a breach demotes, an owner's STOP or KILL ends it.
  const liveBot = state.liveBotId as string;
  let checks = 0;
  for (;;) {
    const last = state.rampIndex >= rampSteps.length - 1;
    const seen = await watch(liveBot, last ? periods.checkMs : periods.rampIntervalMs);
    checks++;
    if (seen.kind === 'breach') return demote(liveBot, seen.health.reason ?? 'risk limit');
    if (seen.kind === 'ended') {
      await record(
        'ended',
        'ended',
        'ended',
        `the live bot was ${seen.health.status}: ${seen.health.reason ?? ''}`,
      );
      return state;
    }
    // Capital goes up only while the bot is trading within its limits.
    if (!last && seen.health.status === 'running') {
      state.rampIndex++;
      const fraction = rampSteps[state.rampIndex] as number;
      await acts.setGraduationCapital({ graduationId, fraction });
      const done = state.rampIndex >= rampSteps.length - 1;
      await record(
        `capital-${state.rampIndex}`,
        'capital-raised',
        done ? 'live' : 'ramping',
        `capital raised to ${pct(fraction)} of the target`,
        { fraction },
      );
    }
    if (checks >= CHECKS_PER_RUN) {
      await continueAsNew<typeof graduationWorkflow>({ ...input, state: { ...state } });
    }
  }
}
