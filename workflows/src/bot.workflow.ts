import {
  BOT_SIGNALS,
  BOT_STATE_QUERY,
  type BotActivities,
  type BotSignal,
  type BotState,
  type BotStatus,
  type BotStepSummary,
  type BotWorkflowInput,
  type BotWorkflowState,
  type ParamValues,
} from '@gauntlet/contracts';
import {
  ActivityFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';

export const botStateQuery = defineQuery<BotState>(BOT_STATE_QUERY);
export const botStartSignal = defineSignal(BOT_SIGNALS.start);
export const botPauseSignal = defineSignal(BOT_SIGNALS.pause);
export const botResumeSignal = defineSignal(BOT_SIGNALS.resume);
export const botStopSignal = defineSignal(BOT_SIGNALS.stop);
/** An optional reason (the kill switch names itself); a plain KILL command sends none. */
export const botKillSignal = defineSignal<[reason?: string]>(BOT_SIGNALS.kill);
export const botUpdateParamsSignal = defineSignal<[ParamValues]>(BOT_SIGNALS.updateParams);

const trading = proxyActivities<BotActivities>({
  // A step is one bar: a few queries and one transaction. A worker that dies mid-step is noticed
  // after this long, and the retry (same step, same order seq) finds the step done or not done.
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 20, initialInterval: '500 milliseconds', maximumInterval: '5 seconds' },
});

export function initialBotState(): BotWorkflowState {
  return {
    status: 'created',
    reason: null,
    steps: 0,
    nextOrderSeq: 0,
    stepsThisRun: 0,
    last: null,
    pending: [],
  };
}

/** The `state` query's answer, from the workflow state alone. */
export function botStateView(s: BotWorkflowState): BotState {
  const last = s.last;
  return {
    status: s.status,
    reason: s.reason,
    position: last?.position ?? { qty: 0, avgEntryPrice: null },
    openOrders: last?.openOrders ?? [],
    equity: last?.equity ?? null,
    realisedPnl: last?.realisedPnl ?? 0,
    unrealisedPnl: last?.unrealisedPnl ?? 0,
    lastDecision: last?.decision ?? null,
    lastWhy: last?.why ?? null,
    lastBarTime: last?.lastBarTime ?? null,
    steps: s.steps,
    nextOrderSeq: s.nextOrderSeq,
  };
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * A paper (later live) trading bot's whole life. Commands arrive as signals and are acted on in
 * order between steps; every `stepMs` a running or paused bot takes one step (one bar of its
 * feed). The order sequence number lives here, so a retried step re-sends the same client order
 * ids and the venue answers with the orders it already has.
 */
export async function botWorkflow(input: BotWorkflowInput): Promise<BotWorkflowState> {
  const { botId } = input;
  const state: BotWorkflowState = input.state ?? initialBotState();
  const push = (signal: BotSignal) => () => void state.pending.push(signal);
  setHandler(botStateQuery, () => botStateView(state));
  setHandler(botStartSignal, push({ kind: 'start' }));
  setHandler(botPauseSignal, push({ kind: 'pause' }));
  setHandler(botResumeSignal, push({ kind: 'resume' }));
  setHandler(botStopSignal, push({ kind: 'stop' }));
  setHandler(
    botKillSignal,
    (reason?: string) => void state.pending.push(reason ? { kind: 'kill', reason } : { kind: 'kill' }),
  );
  setHandler(botUpdateParamsSignal, (params) => void state.pending.push({ kind: 'updateParams', params }));

  const setStatus = async (status: BotStatus, reason: string): Promise<void> => {
    state.status = status;
    state.reason = reason;
    await trading.recordBotStatus({ botId, status, message: reason });
  };

  const adopt = (summary: BotStepSummary): void => {
    state.nextOrderSeq += summary.ordersPlaced;
    state.last = summary;
  };

  /** Reconciles with the venue; an unexplained mismatch pauses the bot. Returns whether it may act. */
  const reconcile = async (): Promise<boolean> => {
    const result = await trading.reconcileBot({ botId });
    if (result.ok) return true;
    await setStatus('paused', `reconciliation failed: ${result.message}`);
    return false;
  };

  const command = async (kind: 'stop' | 'kill', reason: string): Promise<void> => {
    const summary = await trading.botCommand({ botId, command: kind, orderSeq: state.nextOrderSeq, reason });
    adopt(summary);
    state.status = kind === 'kill' ? 'killed' : 'stopped';
    state.reason = reason;
  };

  const act = async (signal: BotSignal): Promise<void> => {
    const status = state.status;
    switch (signal.kind) {
      case 'start':
        if (status !== 'created' && status !== 'stopped') return;
        if (await reconcile()) await setStatus('running', 'started');
        return;
      case 'pause':
        if (status === 'running') await setStatus('paused', 'paused by command');
        return;
      case 'resume':
        if (status !== 'paused') return;
        if (await reconcile()) await setStatus('running', 'resumed');
        return;
      case 'stop':
        if (status === 'running' || status === 'paused') await command('stop', 'stopped by command');
        return;
      case 'kill':
        if (status !== 'killed') await command('kill', signal.reason ?? 'killed by command');
        return;
      case 'updateParams':
        if (status !== 'killed') await trading.applyBotParams({ botId, params: signal.params });
        return;
    }
  };

  // Workflow timers fire on a one-second granularity, so a step interval under a second (fast
  // replays, tests) is waited inside the step activity instead; commands that arrive meanwhile
  // are acted on as soon as that step returns.
  const subSecond = input.stepMs < 1_000;

  const step = async (): Promise<void> => {
    const summary = await trading.botStep({
      botId,
      step: state.steps,
      orderSeq: state.nextOrderSeq,
      decide: state.status === 'running',
      ...(subSecond ? { delayMs: input.stepMs } : {}),
    });
    if (summary.needsReconcile) {
      await reconcile();
      return;
    }
    adopt(summary);
    state.steps++;
    state.stepsThisRun++;
    if (summary.breach?.action === 'kill') {
      await command('kill', `risk limit: ${summary.breach.message}`);
    } else if (summary.halt && state.status === 'running') {
      await setStatus('paused', summary.halt);
    } else if (summary.breach?.action === 'pause' && state.status === 'running') {
      await setStatus('paused', `risk limit: ${summary.breach.message}`);
    } else if (summary.exhausted) {
      await command('stop', 'the replay feed reached the end of the stored bars');
    }
  };

  // A function, not an inline comparison: the status changes across awaits, which the compiler's
  // narrowing does not see.
  const killed = (): boolean => state.status === 'killed';

  // Each continued run starts with a reconciliation, so a bot checks its view against the
  // venue's every `continueAsNewEvery` steps even when nothing restarted.
  if (input.state && (state.status === 'running' || state.status === 'paused')) {
    try {
      await reconcile();
    } catch (err) {
      await setStatus('paused', `reconciliation failed: ${failureMessage(err)}`).catch(() => undefined);
    }
  }

  for (;;) {
    const active = state.status === 'running' || state.status === 'paused';
    const signalled = active
      ? subSecond
        ? state.pending.length > 0
        : await condition(() => state.pending.length > 0, input.stepMs)
      : await condition(() => state.pending.length > 0).then(() => true);
    try {
      while (state.pending.length > 0) {
        await act(state.pending.shift() as BotSignal);
      }
      if (killed()) return state;
      if (!signalled && (state.status === 'running' || state.status === 'paused')) await step();
    } catch (err) {
      // Retries are exhausted: the bot stops trading and says why, rather than failing the workflow.
      if (killed()) return state;
      const reason = `step failed: ${failureMessage(err)}`;
      if (state.status !== 'paused' || state.reason !== reason)
        await setStatus('paused', reason).catch(() => undefined);
    }
    if (killed()) return state;
    if (state.stepsThisRun >= input.continueAsNewEvery && state.pending.length === 0) {
      await continueAsNew<typeof botWorkflow>({ ...input, state: { ...state, stepsThisRun: 0 } });
    }
  }
}
