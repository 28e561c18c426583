import {
  type BotActivities,
  type BotEventDto,
  type BotOrderView,
  type BotStepSummary,
  type ParamValues,
} from '@gauntlet/contracts';
import { loadConfig } from '@gauntlet/config';
import {
  type BarsRepository,
  BotEntity,
  type BotRuntime,
  InstrumentEntity,
  PaperVenueEntity,
} from '@gauntlet/db';
import { type EngineConfig } from '@gauntlet/engine';
import {
  BrokerError,
  clientOrderId,
  CredentialCipher,
  decideOnBar,
  ENCRYPTION_KEY_VAR,
  markEquity,
  PaperBroker,
  PaperVenue,
  type PaperVenueState,
  RiskGuardian,
  type RiskBreach,
  type VenueFill,
  type VenueOrder,
} from '@gauntlet/trading';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { type DataSource, type EntityManager } from 'typeorm';
import { type BotEventPublisher } from './bot-events';
import { type FeedWindow, feedFor, type LiveBarSource } from './bot-feed';
import {
  liveBook,
  openLiveAccount,
  orderView,
  reconcileLive,
  syncLive,
  upsertOrder,
  venueFailure,
} from './bot-live';
import {
  type BotNotifier,
  defaultBotNotifier,
  lazyBotNotifier,
  flushBotNotifications,
  isBotError,
  outboxBotEvent,
} from './bot-notify';
import { ownSeq, reconcilePaper, storeFills, storeOrders } from './bot-store';

export interface BotActivityDeps {
  dataSource: DataSource;
  bars: BarsRepository;
  events: BotEventPublisher;
  /** Opens live bots' venue credentials; by default from the configured encryption key. */
  cipher?: CredentialCipher;
  /**
   * Opens the notification queue for one flush of the outbox; by default a `NotificationQueue`
   * on the configured Redis.
   */
  notifications?: BotNotifier;
  /** The exchanges live feeds read from; bots on a live feed cannot step without it. */
  liveBars?: LiveBarSource;
}

interface PendingEvent {
  kind: string;
  message: string;
  data?: Record<string, unknown>;
  /** A status change the owner hears about as a `bot-error` notification. */
  notifyError?: boolean;
}

const MINUTE = 60_000;
/** A live bot pauses once the venue has refused its orders in this many steps in a row. */
const MAX_REJECT_STREAK = 3;

/** The engine configuration a bot trades with: its capital, fees and sizing, the instrument's lot. */
export function botEngineConfig(bot: BotEntity, lotSize: number): EngineConfig {
  const { fees, sizing } = bot.config;
  return {
    initialCash: bot.capital,
    commission: fees.commission,
    fixedFee: fees.fixedPerFill,
    slippageBps: fees.slippageBps,
    spreadBps: fees.spreadBps,
    sizing,
    lotSize,
  };
}

function view(o: VenueOrder): BotOrderView {
  return {
    clientOrderId: o.clientOrderId,
    side: o.side,
    type: o.type,
    qty: o.qty,
    price: o.price,
    filledQty: o.filledQty,
    status: o.status,
  };
}

/**
 * Appends events to `bot_events` with the next sequence numbers (the bot row is locked). Risk
 * breaches and status events flagged as errors also go to the notification outbox under the
 * event's sequence number, so a notification exists exactly when its event does.
 */
async function storeEvents(m: EntityManager, bot: BotEntity, events: PendingEvent[]): Promise<BotEventDto[]> {
  const botId = bot.id;
  if (events.length === 0) return [];
  const rows: Array<{ next: number }> = await m.query(
    `SELECT coalesce(max(seq), 0) + 1 AS next FROM bot_events WHERE bot_id = $1`,
    [botId],
  );
  let seq = Number(rows[0]?.next ?? 1);
  const out: BotEventDto[] = [];
  for (const e of events) {
    const stored: Array<{ time: Date }> = await m.query(
      `INSERT INTO bot_events (bot_id, seq, kind, message, data) VALUES ($1, $2, $3, $4, $5) RETURNING time`,
      [botId, seq, e.kind, e.message, e.data ?? null],
    );
    const time = stored[0]?.time ?? new Date();
    // A paused bot's running limits are still checked on every bar and a lasting drawdown is
    // recorded each time; only a breach that can still change something (a running bot's, or
    // a kill) is worth a notification.
    if (e.kind === 'risk' && (bot.status === 'running' || e.data?.['action'] === 'kill'))
      await outboxBotEvent(m, botId, 'risk-breach', seq, time, e.data ?? {});
    if (e.notifyError)
      await outboxBotEvent(m, botId, 'bot-error', seq, time, { message: e.message, ...(e.data ?? {}) });
    out.push({
      botId,
      seq,
      time: time.toISOString(),
      kind: e.kind,
      message: e.message,
      data: e.data ?? null,
    });
    seq++;
  }
  return out;
}

/**
 * The same for every attempt of one activity call and different for every other call: the
 * workflow run and the activity's id within it. Undefined outside an activity (unit tests).
 */
function activityCallKey(): string | undefined {
  try {
    const info = Context.current().info;
    const runId = info.workflowExecution?.runId;
    return runId === undefined ? undefined : `${runId}:${info.activityId}`;
  } catch {
    return undefined;
  }
}

async function lockBot(m: EntityManager, botId: string): Promise<BotEntity> {
  const bot = await m
    .getRepository(BotEntity)
    .findOne({ where: { id: botId }, lock: { mode: 'pessimistic_write' } });
  if (!bot) throw ApplicationFailure.nonRetryable(`bot ${botId} does not exist`, 'UnknownBot');
  return bot;
}

/** A bot's paper account: restored from its stored state, or opened with its capital. */
async function openBroker(
  m: EntityManager,
  bot: BotEntity,
): Promise<{ broker: PaperBroker; venue: PaperVenue; latest: () => PaperVenueState; existed: boolean }> {
  const instrument = await m.getRepository(InstrumentEntity).findOneBy({ id: bot.instrumentId });
  if (!instrument)
    throw ApplicationFailure.nonRetryable(`unknown instrument ${bot.instrumentId}`, 'UnknownBot');
  const row = await m.getRepository(PaperVenueEntity).findOneBy({ botId: bot.id });
  // The broker saves after every change; only the last state matters, and it is written with
  // the orders and fills in the step's one transaction.
  let latest: PaperVenueState | undefined;
  const store = { save: (s: PaperVenueState) => void (latest = s) };
  let venue: PaperVenue;
  if (row) {
    venue = PaperVenue.fromJSON(row.state as unknown as PaperVenueState);
  } else {
    const { sizing: _sizing, ...config } = botEngineConfig(bot, instrument.lotSize);
    venue = new PaperVenue({ symbol: bot.instrumentId, currency: instrument.quoteCurrency, config });
  }
  const broker = new PaperBroker(venue, store);
  return { broker, venue, latest: () => latest ?? venue.toJSON(), existed: !!row };
}

async function saveVenue(m: EntityManager, botId: string, state: PaperVenueState): Promise<void> {
  await m.query(
    `INSERT INTO paper_venues (bot_id, state, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (bot_id) DO UPDATE SET state = excluded.state, updated_at = now()`,
    [botId, JSON.stringify(state)],
  );
}

function summaryOf(
  bot: BotEntity,
  venue: PaperVenue,
  step: number,
  extra: Partial<BotStepSummary>,
): BotStepSummary {
  const equity = venue.equity();
  const pos = venue.position();
  return {
    step,
    ordersPlaced: 0,
    fills: 0,
    replayed: false,
    newBar: false,
    exhausted: false,
    needsReconcile: false,
    position: { qty: pos.qty, avgEntryPrice: pos.avgEntryPrice },
    openOrders: venue.openOrders().map(view),
    equity: Number.isFinite(equity) ? equity : null,
    realisedPnl: venue.cash - bot.capital,
    unrealisedPnl: venue.unrealised(),
    lastBarTime: Number.isNaN(venue.now) ? null : new Date(venue.now).toISOString(),
    decision: null,
    why: null,
    breach: null,
    ...extra,
  };
}

function breachOf(breaches: RiskBreach[]): { action: 'pause' | 'kill'; message: string } | null {
  const worst = RiskGuardian.worst(breaches);
  if (worst !== 'pause' && worst !== 'kill') return null;
  const b = breaches.find((x) => x.action === worst) as RiskBreach;
  return { action: worst, message: b.message };
}

/** The owner's other running or paused bots' exposures (|position| × last price), for `maxTotalExposure`. */
async function otherExposures(m: EntityManager, bot: BotEntity): Promise<number[]> {
  const others: Array<{ exposure: number | null }> = await m.query(
    `SELECT CASE WHEN b.mode = 'live' THEN (b.runtime->>'exposure')::float8
                 ELSE abs((v.state->'ledger'->>'pos')::float8 * (v.state->>'lastPrice')::float8) END AS exposure
       FROM bots b LEFT JOIN paper_venues v ON v.bot_id = b.id
      WHERE b.owner_id = $1 AND b.id <> $2 AND b.status IN ('running', 'paused')`,
    [bot.ownerId, bot.id],
  );
  return others.map((o) => Number(o.exposure ?? 0)).filter((x) => Number.isFinite(x));
}

interface LiveStepInput {
  m: EntityManager;
  bot: BotEntity;
  runtime: BotRuntime;
  window: FeedWindow;
  step: number;
  orderSeq: number;
  decide: boolean;
  cipher: CredentialCipher;
  emit: (e: PendingEvent) => void;
}

/**
 * One step of a live bot. The venue is the truth: fills are read back from it (`fills(since)`),
 * stored open orders are refreshed, and the decision sees the venue's position and open orders.
 * The feed's last close is the price the bot marks and sizes at. Orders go out with the same
 * `clientOrderId(workflowId, seq)` as on paper, so a retried step finds its orders at the venue.
 */
async function liveStep(input: LiveStepInput): Promise<BotStepSummary> {
  const { m, bot, runtime, window, step, orderSeq, decide, emit } = input;
  const live = await openLiveAccount(m, bot, input.cipher);
  const { broker, symbol, instrument } = live;
  const series = window.bars;
  const n = series.length;
  const lastTime = n > 0 ? (series.time[n - 1] as number) : NaN;
  const lastClose = n > 0 ? (series.close[n - 1] as number) : NaN;
  const newBar = n > 0 && (runtime.lastBarTime === undefined || lastTime > runtime.lastBarTime);

  const sync = await syncLive(m, bot, live, runtime.fillsSince);
  runtime.fillsSince = sync.fillsSince;
  if (sync.newFills.length > 0)
    emit({
      kind: 'fill',
      message: sync.newFills.map((f) => `${f.side} ${f.qty} at ${f.price} (fee ${f.fee})`).join('; '),
      data: { fills: sync.newFills.map((f) => f.fillId) },
    });
  let position = sync.position;
  let openOrders = sync.openOrders;
  const price = Number.isFinite(lastClose) ? lastClose : NaN;
  let consumed = 0;
  let decisionText: string | null = null;
  let why: string | null = null;
  let breach: BotStepSummary['breach'] = null;
  let halt: string | null = null;

  if (decide && sync.foreign.length > 0) {
    halt = `reconciliation failed: mismatch with the venue: the venue has ${sync.foreign.join('; ')}`;
    emit({ kind: 'reconcile', message: halt, data: { ok: false, repaired: 0 } });
  }

  if (newBar && !halt) {
    runtime.lastBarTime = lastTime;
    const guardian = new RiskGuardian(bot.riskLimits ?? {});
    const book = await liveBook(m, bot, price, position.avgEntryPrice);
    const marks = markEquity(runtime.marks, book.equity, lastTime);
    runtime.marks = marks;
    const running = guardian.checkRunning({
      equity: book.equity,
      dayStartEquity: marks.dayStartEquity,
      peakEquity: marks.peakEquity,
      exposure: Math.abs(position.qty) * price,
      otherExposures: await otherExposures(m, bot),
    });
    breach = breachOf(running);
    for (const b of running) emit({ kind: 'risk', message: b.message, data: { ...b } });

    if (decide && !breach) {
      const decision = decideOnBar({
        strategyId: bot.strategy,
        params: bot.params,
        bars: series,
        config: botEngineConfig(bot, instrument.lotSize),
        instrument: bot.instrumentId,
        position: { qty: position.qty, avgEntryPrice: position.avgEntryPrice },
        cash: book.cash,
        openOrders,
        sizingHeadroom: bot.config.sizingHeadroom,
      });
      decisionText =
        decision.from === decision.to ? `hold ${decision.from}` : `${decision.from} → ${decision.to}`;
      why = decision.why;
      for (const id of decision.cancel) {
        const o = await broker.cancelOrder(symbol, id);
        await upsertOrder(m, bot.id, o, ownSeq(bot.workflowId, id) ?? 0, 'cancelled by the strategy');
      }
      const recent = (runtime.recentOrderTimes ?? []).filter((t) => t > lastTime - MINUTE);
      let refused: string | null = null;
      let accepted = 0;
      for (const intent of decision.orders) {
        const checks = guardian.checkOrder(intent, {
          now: lastTime,
          lastPrice: price,
          position,
          openOrders,
          recentOrderTimes: recent,
          equity: book.equity,
        });
        for (const b of checks) emit({ kind: 'risk', message: b.message, data: { ...b } });
        const worst = RiskGuardian.worst(checks);
        if (worst === 'block') continue;
        if (worst === 'pause' || worst === 'kill') {
          breach = breachOf(checks);
          break;
        }
        const seq = orderSeq + consumed++;
        const id = clientOrderId(bot.workflowId, seq);
        try {
          const o = await broker.placeOrder({
            clientOrderId: id,
            symbol,
            side: intent.side,
            type: intent.type,
            qty: intent.qty,
            ...(intent.price !== undefined ? { price: intent.price } : {}),
            reduceOnly: intent.reduceOnly,
          });
          await upsertOrder(m, bot.id, o, seq, `${intent.purpose}: ${decision.why}`);
          recent.push(lastTime);
          accepted++;
        } catch (err) {
          // A refusal is final for this order (its seq is used up); anything retryable goes
          // back to Temporal, and the retried step resends the same ids.
          if (!(err instanceof BrokerError) || err.code !== 'rejected') throw venueFailure(err);
          refused = err.message;
          emit({
            kind: 'order-rejected',
            message: `${intent.purpose} refused by the venue: ${refused}`,
            data: { clientOrderId: id, seq, venueCode: err.venueCode ?? null, reason: err.message },
          });
        }
      }
      runtime.recentOrderTimes = recent;
      if (refused !== null && accepted === 0) runtime.rejectStreak = (runtime.rejectStreak ?? 0) + 1;
      else if (accepted > 0) runtime.rejectStreak = 0;
      if ((runtime.rejectStreak ?? 0) >= MAX_REJECT_STREAK)
        halt = `the venue refused this bot's orders in ${runtime.rejectStreak} steps in a row (last: ${refused})`;
      if (decision.orders.length > 0 || decision.cancel.length > 0)
        emit({ kind: 'decision', message: decision.why, data: { from: decision.from, to: decision.to } });
      if (consumed > 0 || decision.cancel.length > 0) {
        position = await broker.position(symbol);
        openOrders = (await broker.openOrders(symbol)).filter(
          (o) => ownSeq(bot.workflowId, o.clientOrderId) !== undefined,
        );
      }
    }
  }
  const book = await liveBook(m, bot, price, position.avgEntryPrice);
  runtime.exposure = Number.isFinite(price) ? Math.abs(position.qty) * price : 0;
  return {
    step,
    ordersPlaced: consumed,
    fills: sync.newFills.length,
    replayed: false,
    newBar,
    exhausted: !newBar && window.exhausted,
    needsReconcile: false,
    position: { qty: position.qty, avgEntryPrice: position.avgEntryPrice },
    openOrders: openOrders.map(orderView),
    equity: Number.isFinite(book.equity) ? book.equity : null,
    realisedPnl: book.realisedPnl,
    unrealisedPnl: book.unrealisedPnl,
    lastBarTime: runtime.lastBarTime !== undefined ? new Date(runtime.lastBarTime).toISOString() : null,
    decision: decisionText,
    why,
    breach,
    halt,
  };
}

/**
 * STOP or KILL of a live bot: its own open orders are cancelled one by one (other orders on the
 * account are not its to touch); KILL then flattens the venue's position with a reduce-only
 * market order numbered `orderSeq`, and the fills are read back.
 */
async function liveCommand(
  m: EntityManager,
  bot: BotEntity,
  runtime: BotRuntime,
  command: 'stop' | 'kill',
  orderSeq: number,
  reason: string,
  cipher: CredentialCipher,
  emit: (e: PendingEvent) => void,
): Promise<BotStepSummary> {
  const live = await openLiveAccount(m, bot, cipher);
  const { broker, symbol } = live;
  const cancelled: string[] = [];
  for (const o of await broker.openOrders(symbol)) {
    const seq = ownSeq(bot.workflowId, o.clientOrderId);
    if (seq === undefined) continue;
    await upsertOrder(
      m,
      bot.id,
      await broker.cancelOrder(symbol, o.clientOrderId),
      seq,
      `cancelled: ${reason}`,
    );
    cancelled.push(o.clientOrderId);
  }
  let sync = await syncLive(m, bot, live, runtime.fillsSince);
  const pos = sync.position.qty;
  let placed = 0;
  if (command === 'kill' && pos !== 0) {
    const id = clientOrderId(bot.workflowId, orderSeq);
    const o = await broker.placeOrder({
      clientOrderId: id,
      symbol,
      side: pos > 0 ? 'sell' : 'buy',
      type: 'market',
      qty: Math.abs(pos),
      reduceOnly: true,
    });
    await upsertOrder(m, bot.id, o, orderSeq, `flatten: ${reason}`);
    placed = 1;
    const fills = sync.newFills;
    sync = await syncLive(m, bot, live, runtime.fillsSince);
    sync.newFills.unshift(...fills);
  }
  runtime.fillsSince = sync.fillsSince;
  const flat = sync.newFills.filter((f) => f.clientOrderId === clientOrderId(bot.workflowId, orderSeq));
  const price = flat.at(-1)?.price ?? NaN;
  const book = await liveBook(m, bot, price, sync.position.avgEntryPrice);
  runtime.exposure = 0;
  const status = command === 'kill' ? 'killed' : 'stopped';
  emit({
    kind: 'status',
    message: `${status}: ${reason}; cancelled ${cancelled.length} open order(s)${
      placed > 0 ? `; flattened ${Math.abs(pos)} at ${flat[0]?.price ?? 'n/a'}` : ''
    }`,
    data: { status, cancelled },
  });
  return {
    step: runtime.lastStep ?? 0,
    ordersPlaced: placed,
    fills: sync.newFills.length,
    replayed: false,
    newBar: false,
    exhausted: false,
    needsReconcile: false,
    position: { qty: sync.position.qty, avgEntryPrice: sync.position.avgEntryPrice },
    openOrders: sync.openOrders.map(orderView),
    equity: Number.isFinite(book.equity) ? book.equity : null,
    realisedPnl: book.realisedPnl,
    unrealisedPnl: book.unrealisedPnl,
    lastBarTime: runtime.lastBarTime !== undefined ? new Date(runtime.lastBarTime).toISOString() : null,
    decision: null,
    why: null,
    breach: null,
  };
}

/**
 * A bot's activities. Each one does its whole job in one transaction with the bot row locked:
 * the orders, fills, events and the paper venue's state are stored together or not at all, and
 * the step number recorded with them tells a retried step that its work is already done.
 */
export function createBotActivities(deps: BotActivityDeps): BotActivities {
  const { dataSource, bars, events } = deps;
  const notifier = deps.notifications ?? lazyBotNotifier(() => defaultBotNotifier(dataSource));
  let cipher = deps.cipher;
  const openCipher = (): CredentialCipher =>
    (cipher ??= CredentialCipher.fromEnv({
      ...process.env,
      [ENCRYPTION_KEY_VAR]: loadConfig().encryptionKey,
    }));
  // Bots this worker process has reconciled. A bot that reaches a fresh process (a restart, or
  // another worker taking over) is reconciled before its first step there.
  const reconciled = new Set<string>();

  const run = async <T>(
    botId: string,
    fn: (m: EntityManager, bot: BotEntity, emit: (e: PendingEvent) => void) => Promise<T>,
  ): Promise<T> => {
    const pending: PendingEvent[] = [];
    let stored: BotEventDto[] = [];
    const result = await dataSource.transaction(async (m) => {
      const bot = await lockBot(m, botId);
      const out = await fn(m, bot, (e) => pending.push(e));
      stored = await storeEvents(m, bot, pending);
      return out;
    });
    await events.publish(stored);
    // After the commit: what the transaction put in the outbox (and anything an earlier activity
    // could not queue) goes to the notification queue now.
    await flushBotNotifications(dataSource, notifier);
    return result;
  };

  return {
    async reconcileBot({ botId }) {
      const result = await run(botId, async (m, bot, emit) => {
        let outcome: { ok: boolean; message: string; repaired: number };
        if (bot.mode === 'live') {
          const live = await openLiveAccount(m, bot, openCipher());
          try {
            outcome = await reconcileLive(m, bot, live);
          } catch (err) {
            throw venueFailure(err);
          }
        } else {
          const row = await m.getRepository(PaperVenueEntity).findOneBy({ botId });
          outcome = await reconcilePaper(m, bot, row ? (row.state as unknown as PaperVenueState) : null);
        }
        emit({
          kind: 'reconcile',
          message: outcome.message,
          data: { ok: outcome.ok, repaired: outcome.repaired },
        });
        return outcome;
      });
      reconciled.add(botId);
      return { ok: result.ok, message: result.message };
    },

    async botStep({ botId, step, orderSeq, decide, delayMs }) {
      // Sub-second steps wait here: the workflow's timers fire on a one-second granularity.
      if (delayMs !== undefined && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      if (!reconciled.has(botId)) {
        return {
          step,
          ordersPlaced: 0,
          fills: 0,
          replayed: false,
          newBar: false,
          exhausted: false,
          needsReconcile: true,
          position: { qty: 0, avgEntryPrice: null },
          openOrders: [],
          equity: null,
          realisedPnl: 0,
          unrealisedPnl: 0,
          lastBarTime: null,
          decision: null,
          why: null,
          breach: null,
        };
      }
      return run(botId, async (m, bot, emit) => {
        const runtime: BotRuntime = bot.runtime ?? {};
        if (runtime.lastStep === step && runtime.lastSummary) {
          return { ...(runtime.lastSummary as unknown as BotStepSummary), replayed: true };
        }
        const feed = feedFor(bot.config.feed, bot.instrumentId, bars, dataSource, deps.liveBars);
        if (bot.mode === 'live') {
          const window = await feed.window(step);
          let summary: BotStepSummary;
          try {
            summary = await liveStep({
              m,
              bot,
              runtime,
              window,
              step,
              orderSeq,
              decide,
              cipher: openCipher(),
              emit,
            });
          } catch (err) {
            throw venueFailure(err);
          }
          runtime.lastStep = step;
          runtime.lastSummary = summary as unknown as Record<string, unknown>;
          await m.query(`UPDATE bots SET runtime = $2, updated_at = now() WHERE id = $1`, [
            bot.id,
            JSON.stringify(runtime),
          ]);
          return summary;
        }
        const { broker, venue, latest } = await openBroker(m, bot);
        const instrument = (await m
          .getRepository(InstrumentEntity)
          .findOneBy({ id: bot.instrumentId })) as InstrumentEntity;
        const window = await feed.window(step);
        const series = window.bars;
        const n = series.length;
        const lastTime = n > 0 ? (series.time[n - 1] as number) : NaN;
        const newBar = n > 0 && (Number.isNaN(venue.now) || lastTime > venue.now);
        // The first bar the bot acted on: where a graduation's comparison with the engine starts.
        if (newBar && runtime.firstBarTime === undefined) runtime.firstBarTime = lastTime;

        const touched = new Set(venue.openOrders().map((o) => o.clientOrderId));
        const placed = new Map<string, { seq: number; reason: string }>();
        let fills: VenueFill[] = [];
        let consumed = 0;
        let decisionText: string | null = null;
        let why: string | null = null;
        let breach: BotStepSummary['breach'] = null;

        if (newBar) {
          const k = n - 1;
          fills = await broker.onBar({
            time: lastTime,
            open: series.open[k] as number,
            high: series.high[k] as number,
            low: series.low[k] as number,
            close: series.close[k] as number,
            volume: series.volume[k] as number,
          });
          for (const f of fills) touched.add(f.clientOrderId);
          if (fills.length > 0)
            emit({
              kind: 'fill',
              message: fills.map((f) => `${f.side} ${f.qty} at ${f.price} (fee ${f.fee})`).join('; '),
              data: { fills: fills.map((f) => f.fillId) },
            });

          const guardian = new RiskGuardian(bot.riskLimits ?? {});
          const equity = venue.equity();
          const marks = markEquity(runtime.marks, equity, lastTime);
          runtime.marks = marks;
          const running = guardian.checkRunning({
            equity,
            dayStartEquity: marks.dayStartEquity,
            peakEquity: marks.peakEquity,
            exposure: Math.abs(venue.position().qty) * venue.price,
            otherExposures: await otherExposures(m, bot),
          });
          breach = breachOf(running);
          for (const b of running) emit({ kind: 'risk', message: b.message, data: { ...b } });

          if (decide && !breach) {
            const decision = decideOnBar({
              strategyId: bot.strategy,
              params: bot.params,
              bars: series,
              config: botEngineConfig(bot, instrument.lotSize),
              instrument: bot.instrumentId,
              position: venue.position(),
              cash: venue.cash,
              openOrders: venue.openOrders(),
              sizingHeadroom: bot.config.sizingHeadroom,
            });
            decisionText =
              decision.from === decision.to ? `hold ${decision.from}` : `${decision.from} → ${decision.to}`;
            why = decision.why;
            for (const id of decision.cancel) {
              await broker.cancelOrder(bot.instrumentId, id);
              touched.add(id);
            }
            const recent = (runtime.recentOrderTimes ?? []).filter((t) => t > lastTime - MINUTE);
            for (const intent of decision.orders) {
              const checks = guardian.checkOrder(intent, {
                now: lastTime,
                lastPrice: venue.price,
                position: venue.position(),
                openOrders: venue.openOrders(),
                recentOrderTimes: recent,
                equity: venue.equity(),
              });
              for (const b of checks) emit({ kind: 'risk', message: b.message, data: { ...b } });
              const worst = RiskGuardian.worst(checks);
              if (worst === 'block') continue;
              if (worst === 'pause' || worst === 'kill') {
                breach = breachOf(checks);
                break;
              }
              const seq = orderSeq + consumed++;
              const id = clientOrderId(bot.workflowId, seq);
              try {
                await broker.placeOrder({
                  clientOrderId: id,
                  symbol: bot.instrumentId,
                  side: intent.side,
                  type: intent.type,
                  qty: intent.qty,
                  ...(intent.price !== undefined ? { price: intent.price } : {}),
                  reduceOnly: intent.reduceOnly,
                });
                placed.set(id, { seq, reason: `${intent.purpose}: ${decision.why}` });
                touched.add(id);
                recent.push(lastTime);
              } catch (err) {
                if (!(err instanceof BrokerError)) throw err;
                emit({
                  kind: 'order-rejected',
                  message: `${intent.purpose} refused by the venue: ${err.message}`,
                });
              }
            }
            runtime.recentOrderTimes = recent;
            if (decision.orders.length > 0 || decision.cancel.length > 0)
              emit({
                kind: 'decision',
                message: decision.why,
                data: { from: decision.from, to: decision.to },
              });
          }
        }

        await storeOrders(m, bot.id, venue, touched, placed);
        await storeFills(m, bot.id, fills);
        await saveVenue(m, bot.id, latest());
        const summary = summaryOf(bot, venue, step, {
          ordersPlaced: consumed,
          fills: fills.length,
          newBar,
          exhausted: !newBar && window.exhausted,
          decision: decisionText,
          why,
          breach,
        });
        runtime.lastStep = step;
        runtime.lastSummary = summary as unknown as Record<string, unknown>;
        await m.query(`UPDATE bots SET runtime = $2, updated_at = now() WHERE id = $1`, [
          bot.id,
          JSON.stringify(runtime),
        ]);
        return summary;
      });
    },

    async botCommand({ botId, command, orderSeq, reason }) {
      return run(botId, async (m, bot, emit) => {
        const key = `${command}:${orderSeq}`;
        const runtime: BotRuntime & { lastCommand?: { key: string; summary: BotStepSummary } } =
          bot.runtime ?? {};
        if (runtime.lastCommand?.key === key) return { ...runtime.lastCommand.summary, replayed: true };
        if (bot.mode === 'live') {
          let summary: BotStepSummary;
          try {
            summary = await liveCommand(m, bot, runtime, command, orderSeq, reason, openCipher(), emit);
          } catch (err) {
            throw venueFailure(err);
          }
          runtime.lastCommand = { key, summary };
          const status = command === 'kill' ? 'killed' : 'stopped';
          await m.query(
            `UPDATE bots SET status = $2, reason = $3, runtime = $4, updated_at = now() WHERE id = $1`,
            [bot.id, status, reason, JSON.stringify(runtime)],
          );
          return summary;
        }
        const { broker, venue, latest } = await openBroker(m, bot);
        const touched = new Set(venue.openOrders().map((o) => o.clientOrderId));
        const cancelled = await broker.cancelAll(bot.instrumentId);
        const placed = new Map<string, { seq: number; reason: string }>();
        let fills: VenueFill[] = [];
        const pos = venue.position().qty;
        if (command === 'kill' && pos !== 0) {
          if (Number.isNaN(venue.price))
            throw ApplicationFailure.nonRetryable('no price to flatten at', 'NoPrice');
          const id = clientOrderId(bot.workflowId, orderSeq);
          await broker.placeOrder({
            clientOrderId: id,
            symbol: bot.instrumentId,
            side: pos > 0 ? 'sell' : 'buy',
            type: 'market',
            qty: Math.abs(pos),
            reduceOnly: true,
          });
          placed.set(id, { seq: orderSeq, reason: `flatten: ${reason}` });
          touched.add(id);
          // A paper kill flattens at once at the last price (with slippage and spread) rather than
          // waiting for the next bar of the feed.
          fills = await broker.onTick(venue.price, venue.now);
        }
        await storeOrders(m, bot.id, venue, touched, placed);
        await storeFills(m, bot.id, fills);
        await saveVenue(m, bot.id, latest());
        const status = command === 'kill' ? 'killed' : 'stopped';
        emit({
          kind: 'status',
          message: `${status}: ${reason}; cancelled ${cancelled.length} open order(s)${
            placed.size > 0 ? `; flattened ${Math.abs(pos)} at ${fills[0]?.price ?? 'n/a'}` : ''
          }`,
          data: { status, cancelled: cancelled.map((o) => o.clientOrderId) },
        });
        const summary = summaryOf(bot, venue, runtime.lastStep ?? 0, {
          ordersPlaced: placed.size,
          fills: fills.length,
        });
        runtime.lastCommand = { key, summary };
        await m.query(
          `UPDATE bots SET status = $2, reason = $3, runtime = $4, updated_at = now() WHERE id = $1`,
          [bot.id, status, reason, JSON.stringify(runtime)],
        );
        return summary;
      });
    },

    async recordBotStatus({ botId, status, message }) {
      const call = activityCallKey();
      await run(botId, async (m, bot, emit) => {
        // A retry of a call that had committed records nothing again: its status event (and a
        // bot-error notification numbered by it) must stay one.
        const runtime: BotRuntime & { lastStatusCall?: string } = bot.runtime ?? {};
        if (call !== undefined && runtime.lastStatusCall === call) return;
        if (call !== undefined) runtime.lastStatusCall = call;
        await m.query(
          `UPDATE bots SET status = $2, reason = $3, runtime = $4, updated_at = now() WHERE id = $1`,
          [bot.id, status, message, JSON.stringify(runtime)],
        );
        emit({
          kind: 'status',
          message: `${status}: ${message}`,
          data: { status },
          notifyError: isBotError(status, message),
        });
      });
    },

    async applyBotParams({ botId, params }: { botId: string; params: ParamValues }) {
      await run(botId, async (m, bot, emit) => {
        await m.query(`UPDATE bots SET params = $2, updated_at = now() WHERE id = $1`, [
          bot.id,
          JSON.stringify(params),
        ]);
        emit({
          kind: 'params',
          message: `parameters changed to ${JSON.stringify(params)}`,
          data: { params },
        });
      });
    },
  };
}
