import { type TradeDto } from './metrics';
import { type BotConfig, type BotStatus } from './trading';
import { type ParamValues } from './common';

export const GRADUATION_WORKFLOW_TYPE = 'graduationWorkflow';
export const GRADUATION_STATE_QUERY = 'state';
export const GRADUATION_DECISION_SIGNAL = 'decision';

/**
 * `paper`: the paper bot is trading the evaluation period; `evaluating`: the period is over and
 * the paper trades are being compared with the engine's; `awaiting-approval`: the criteria
 * passed and an admin must approve or reject; `ramping`: the live bot trades a fraction of the
 * target capital, raised step by step while its limits hold; `live`: the whole target capital.
 * Final: `failed` (criteria not met), `rejected`, `expired` (no decision in time), `demoted`
 * (a live breach sent the strategy back to paper), `ended` (the live bot was stopped or killed
 * by its owner), `error`.
 */
export const GRADUATION_STATUSES = [
  'paper',
  'evaluating',
  'awaiting-approval',
  'ramping',
  'live',
  'failed',
  'rejected',
  'expired',
  'demoted',
  'ended',
  'error',
] as const;
export type GraduationStatus = (typeof GRADUATION_STATUSES)[number];
export const GRADUATION_FINAL: readonly GraduationStatus[] = [
  'failed',
  'rejected',
  'expired',
  'demoted',
  'ended',
  'error',
];

export interface GraduationCriteria {
  /** Closed paper trades at least this many. */
  minTrades: number;
  /** Annualised Sharpe of the paper equity curve at least this (see docs/metrics.md). */
  minSharpe: number;
  /** Paper max drawdown at most this, percent (positive). */
  maxDrawdownPct: number;
  /**
   * Tracking error against the engine's replay of the same period at most this: the root mean
   * square of the per-trade return differences, missing and unexpected trades counting whole.
   */
  maxTrackingError: number;
}

/** Every period is in wall-clock milliseconds, so a test can run the whole path in seconds. */
export interface GraduationPeriods {
  /** How long the paper bot trades before it is evaluated. */
  paperMs: number;
  /** How long an admin has to approve or reject; then the graduation expires. */
  approvalTimeoutMs: number;
  /** Time at each capital step before the next one. */
  rampIntervalMs: number;
  /** How often the live bot's health is checked (breaches demote it). */
  checkMs: number;
}

export interface GraduationCriterionResult {
  name: keyof GraduationCriteria;
  /** `≥` for minimums, `≤` for maximums. */
  op: '>=' | '<=';
  threshold: number;
  /** Null when it cannot be computed (e.g. Sharpe with a flat equity curve). */
  actual: number | null;
  pass: boolean;
}

/** One paired trade of the backtest-versus-paper comparison. */
export interface GraduationTradePair {
  /** `matched`: same trade; `different`: paired, fields differ; `missing` / `unexpected`. */
  kind: 'matched' | 'different' | 'missing' | 'unexpected';
  expected: TradeDto | null;
  actual: TradeDto | null;
  /** The fields that differ, for `different`. */
  fields: string[];
}

export interface GraduationEvaluation {
  /** The paper period: first and last bar the paper bot saw (ISO). */
  from: string;
  to: string;
  bars: number;
  paper: {
    trades: number;
    returnPct: number;
    sharpe: number | null;
    maxDrawdownPct: number;
    equityFinal: number;
  };
  engine: { trades: number; returnPct: number; equityFinal: number };
  trackingError: number;
  matched: number;
  pairs: GraduationTradePair[];
  criteria: GraduationCriterionResult[];
  pass: boolean;
}

export interface GraduationDecision {
  decision: 'approve' | 'reject';
  by: string;
  note: string | null;
  at: string;
}

export interface GraduationStepDto {
  seq: number;
  /** e.g. `created`, `paper-started`, `evaluated`, `awaiting-approval`, `approved`, `capital-raised`, `demoted`. */
  step: string;
  status: GraduationStatus;
  message: string;
  data: Record<string, unknown> | null;
  time: string;
}

export interface GraduationDto {
  id: string;
  ownerId: string;
  backtestId: string;
  strategy: string;
  params: ParamValues;
  instrument: string;
  venueAccountId: string;
  status: GraduationStatus;
  reason: string | null;
  criteria: GraduationCriteria;
  periods: GraduationPeriods;
  /** Capital fractions of `targetCapital`, increasing, the last one 1. */
  rampSteps: number[];
  targetCapital: number;
  paperCapital: number;
  /** The fraction of the target the live bot trades now (0 before it starts). */
  capitalFraction: number;
  paperBotId: string | null;
  liveBotId: string | null;
  /** The bot that paper-trades again after a demotion. */
  demotedBotId: string | null;
  evaluation: GraduationEvaluation | null;
  decision: GraduationDecision | null;
  steps: GraduationStepDto[];
  workflowId: string;
  createdAt: string;
  updatedAt: string;
  links: { self: string; decision: string; backtest: string };
}

// --- Workflow ↔ activities ------------------------------------------------------------------

/** Which bot of a graduation: the evaluated paper bot, the live bot, or paper again after a demotion. */
export type GraduationBotStage = 'paper' | 'live' | 'demoted';

export interface GraduationWorkflowInput {
  graduationId: string;
  periods: GraduationPeriods;
  rampSteps: number[];
  /** Carried over `continueAsNew` while live. */
  state?: GraduationWorkflowState;
}

export interface GraduationWorkflowState {
  status: GraduationStatus;
  reason: string | null;
  paperBotId: string | null;
  liveBotId: string | null;
  rampIndex: number;
  decision: { decision: 'approve' | 'reject'; by: string; note: string | null } | null;
}

/** What the workflow needs to start a bot's own workflow as its child. */
export interface GraduationBotRef {
  botId: string;
  workflowId: string;
  stepMs: number;
  continueAsNewEvery: number;
}

export interface GraduationBotHealth {
  status: BotStatus;
  reason: string | null;
  /** Paused or killed by a risk limit. */
  breach: boolean;
  lastBarTime: string | null;
}

export interface GraduationActivities {
  /** Creates (once per stage) the graduation's bot row; the workflow then starts its workflow. */
  createGraduationBot(input: {
    graduationId: string;
    stage: GraduationBotStage;
    capitalFraction: number;
  }): Promise<GraduationBotRef>;
  graduationBotHealth(input: { botId: string }): Promise<GraduationBotHealth>;
  /** Replays the paper period through the engine, compares, and checks the criteria. */
  evaluateGraduation(input: { graduationId: string }): Promise<GraduationEvaluation>;
  /** Sets the live bot's capital to `fraction` of the target. */
  setGraduationCapital(input: { graduationId: string; fraction: number }): Promise<void>;
  /** Records a step (status, timeline row, notification), once per `step` key. */
  recordGraduationStep(input: {
    graduationId: string;
    key: string;
    step: string;
    status: GraduationStatus;
    message: string;
    data?: Record<string, unknown>;
  }): Promise<void>;
}

/** The bot a graduation creates, fixed when the graduation is requested. */
export interface GraduationBotTemplate {
  name: string;
  strategy: string;
  params: ParamValues;
  instrument: string;
  riskLimits: Record<string, { threshold: number; action: string }>;
  config: BotConfig;
}
