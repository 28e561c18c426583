import { type FeeSettings } from './backtests';
import { type ParamValues, type Timeframe } from './common';

export const BOT_WORKFLOW_TYPE = 'botWorkflow';
export const BOT_STATE_QUERY = 'state';
export const BOT_SIGNALS = {
  start: 'start',
  pause: 'pause',
  resume: 'resume',
  stop: 'stop',
  kill: 'kill',
  updateParams: 'updateParams',
} as const;

export type BotMode = 'paper' | 'live';
/**
 * `created`: waiting for START; `running`: stepping and trading; `paused`: the feed advances
 * (resting orders can fill) but no new decisions or orders; `stopped`: open orders cancelled,
 * position kept, waiting for START; `killed`: orders cancelled and the position flattened (final).
 */
export type BotStatus = 'created' | 'running' | 'paused' | 'stopped' | 'killed';
export const BOT_COMMANDS = ['START', 'STOP', 'PAUSE', 'RESUME', 'KILL'] as const;
export type BotCommand = (typeof BOT_COMMANDS)[number];

/** Which statuses each command applies to (anything else is a 409). */
export const BOT_COMMAND_FROM: Record<BotCommand, readonly BotStatus[]> = {
  START: ['created', 'stopped'],
  PAUSE: ['running'],
  RESUME: ['paused'],
  STOP: ['running', 'paused'],
  KILL: ['created', 'running', 'paused', 'stopped'],
};

export type BotSizing =
  | { kind: 'all-in' }
  | { kind: 'units'; units: number }
  | { kind: 'cash'; amount: number }
  | { kind: 'equity'; fraction: number };

/** A replay of stored 1-minute bars (aggregated to `timeframe`), one bar per step. */
export interface ReplayFeedConfig {
  kind: 'replay';
  /** ISO timestamp of the first replayed bar. */
  from: string;
  timeframe: Timeframe;
  /** Wall-clock time between steps, ms. */
  stepMs: number;
}

/**
 * The market as it trades: each step first tops the store up with the exchange's 1-minute bars
 * (the data-sync adapters, under the venue's shared request budget), then sees every closed bar
 * (aggregated to `timeframe`) from `from` up to the wall clock's last closed one. `from` is the
 * history the strategy is replayed from (its warm-up). The instrument must be a `bybit:` or
 * `binance:` one that has been synced once.
 */
export interface LiveFeedConfig {
  kind: 'live';
  /** ISO timestamp of the first bar the strategy is replayed from. */
  from: string;
  timeframe: Timeframe;
  /** Wall-clock time between steps, ms (a step without a newly closed bar does nothing). */
  stepMs: number;
}

export type BotFeedConfig = ReplayFeedConfig | LiveFeedConfig;

/** Exchanges a live feed can read (their instruments are `<exchange>:<SYMBOL>`). */
export const LIVE_FEED_EXCHANGES = ['bybit', 'binance'] as const;

export interface BotConfig {
  feed: BotFeedConfig;
  fees: Required<FeeSettings>;
  sizing: BotSizing;
  /** Fraction kept back when sizing at the decision close (see docs/trading.md). */
  sizingHeadroom: number;
  /** Steps per workflow run before `continueAsNew`. */
  continueAsNewEvery: number;
}

export interface BotDto {
  id: string;
  ownerId: string;
  name: string;
  strategy: string;
  params: ParamValues;
  instrument: string;
  mode: BotMode;
  /** The venue account a live bot trades through; null for paper. */
  venueAccountId: string | null;
  capital: number;
  riskLimits: Record<string, { threshold: number; action: string }>;
  config: BotConfig;
  status: BotStatus;
  workflowId: string;
  createdAt: string;
  updatedAt: string;
  /** The workflow's `state` query, when it answers. */
  state?: BotState | null;
  links: { self: string; commands: string; orders: string; fills: string; events: string };
}

export interface BotOrderView {
  clientOrderId: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  qty: number;
  price: number | null;
  filledQty: number;
  status: string;
}

export interface BotState {
  status: BotStatus;
  /** Why the bot is in this status, when a command, a risk breach or reconciliation put it there. */
  reason: string | null;
  position: { qty: number; avgEntryPrice: number | null };
  openOrders: BotOrderView[];
  equity: number | null;
  realisedPnl: number;
  unrealisedPnl: number;
  lastDecision: string | null;
  lastWhy: string | null;
  /** ISO time of the last bar the bot has seen. */
  lastBarTime: string | null;
  steps: number;
  nextOrderSeq: number;
}

export interface BotOrderDto {
  clientOrderId: string;
  seq: number;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  qty: number;
  price: number | null;
  filledQty: number;
  avgFillPrice: number | null;
  status: string;
  venueOrderId: string | null;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface BotFillDto {
  fillId: string;
  clientOrderId: string;
  side: 'buy' | 'sell';
  qty: number;
  price: number;
  fee: number;
  time: string;
}

export interface BotEventDto {
  botId: string;
  seq: number;
  time: string;
  kind: string;
  message: string;
  data: Record<string, unknown> | null;
}

// --- Workflow ↔ activities ------------------------------------------------------------------

export interface BotWorkflowState {
  status: BotStatus;
  reason: string | null;
  steps: number;
  nextOrderSeq: number;
  /** Steps taken in this run (for `continueAsNew`). */
  stepsThisRun: number;
  last: BotStepSummary | null;
  /** Commands received and not yet acted on (carried over `continueAsNew`). */
  pending: BotSignal[];
}

export type BotSignal =
  | { kind: 'start' | 'pause' | 'resume' | 'stop' | 'kill'; reason?: string }
  | { kind: 'updateParams'; params: ParamValues };

export interface BotWorkflowInput {
  botId: string;
  /** Step interval, ms (from the bot's feed config). */
  stepMs: number;
  continueAsNewEvery: number;
  state?: BotWorkflowState;
}

export interface BotStepSummary {
  step: number;
  /** The orders this step placed (the next order seq advances by this). */
  ordersPlaced: number;
  fills: number;
  /** The step was already done by an earlier attempt; this is its stored summary. */
  replayed: boolean;
  /** A new bar reached the bot (false: no bar yet, or the replay has ended). */
  newBar: boolean;
  exhausted: boolean;
  /** The worker process has not reconciled this bot yet: nothing was done, reconcile first. */
  needsReconcile: boolean;
  position: { qty: number; avgEntryPrice: number | null };
  openOrders: BotOrderView[];
  equity: number | null;
  realisedPnl: number;
  unrealisedPnl: number;
  lastBarTime: string | null;
  decision: string | null;
  why: string | null;
  /** The most severe running or pre-trade risk action that asks the bot to stop trading. */
  breach: { action: 'pause' | 'kill'; message: string } | null;
  /**
   * Live: a reason to stop trading that is not a risk limit — something on the venue the bot
   * cannot explain, or orders the venue keeps refusing. The workflow pauses the bot with it.
   */
  halt?: string | null;
}

export interface BotReconcileResult {
  ok: boolean;
  message: string;
}

export interface BotActivities {
  reconcileBot(input: { botId: string }): Promise<BotReconcileResult>;
  /** `delayMs`: wait this long before stepping (sub-second step intervals, see the bot workflow). */
  botStep(input: {
    botId: string;
    step: number;
    orderSeq: number;
    decide: boolean;
    delayMs?: number;
  }): Promise<BotStepSummary>;
  /** STOP cancels open orders; KILL cancels them and flattens with order `orderSeq`. */
  botCommand(input: {
    botId: string;
    command: 'stop' | 'kill';
    orderSeq: number;
    reason: string;
  }): Promise<BotStepSummary>;
  recordBotStatus(input: { botId: string; status: BotStatus; message: string }): Promise<void>;
  applyBotParams(input: { botId: string; params: ParamValues }): Promise<void>;
}

// --- Live bots: venue accounts and the kill switch -----------------------------------------

export type VenueName = 'bybit';

/** An exchange account as the API shows it: never the key or secret, only the key's last four. */
export interface VenueAccountDto {
  id: string;
  ownerId: string;
  venue: VenueName;
  label: string;
  testnet: boolean;
  baseUrl: string | null;
  /** `…` and the API key's last four characters. */
  apiKey: string;
  createdAt: string;
}

/** What `createLiveBot` needs beyond a paper bot's request (no route; see docs/trading.md). */
export interface LiveBotSource {
  venueAccountId: string;
}

export interface KillSwitchResult {
  /** `mine`: the caller's bots; `all`: every user's (admins only). */
  scope: 'mine' | 'all';
  killed: Array<{ botId: string; ownerId: string; name: string; previousStatus: BotStatus }>;
}
