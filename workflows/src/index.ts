// The worker bundles this file once: every workflow its task queues (research, trading) run is
// exported here.
export { backtestWorkflow, progressQuery } from './backtest.workflow';
export { monteCarloProgressQuery, monteCarloWorkflow } from './monte-carlo.workflow';
export { sweepProgressQuery, sweepWorkflow } from './sweep.workflow';
export { walkForwardProgressQuery, walkForwardWorkflow } from './walk-forward.workflow';
export { scheduledWalkForwardWorkflow } from './scheduled-walk-forward.workflow';
export { botStateQuery, botWorkflow } from './bot.workflow';
export { graduationDecisionSignal, graduationStateQuery, graduationWorkflow } from './graduation.workflow';
