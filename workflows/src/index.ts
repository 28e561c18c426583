// The worker bundles this file: every workflow the research task queue runs is exported here.
export { backtestWorkflow, progressQuery } from './backtest.workflow';
