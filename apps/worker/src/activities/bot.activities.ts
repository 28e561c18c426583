import {
  type BotActivities,
  type BotEventDto,
  type BotOrderView,
  type BotStepSummary,
  type ParamValues,
} from '@gauntlet/contracts';
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
  decideOnBar,
  markEquity,
  PaperBroker,
  PaperVenue,
  type PaperVenueState,
  RiskGuardian,
  type RiskBreach,
  type VenueFill,
  type VenueOrder,
} from '@gauntlet/trading';
import { ApplicationFailure } from '@temporalio/common';
import { type DataSource, type EntityManager } from 'typeorm';
import { type BotEventPublisher } from './bot-events';
import { feedFor } from './bot-feed';
import { reconcilePaper, storeFills, storeOrders } from './bot-store';

export interface BotActivityDeps {
  dataSource: DataSource;
  bars: BarsRepository;
  events: BotEventPublisher;
}

interface PendingEvent {
  kind: string;
  message: string;
  data?: Record<string, unknown>;
}

const MINUTE = 60_000;

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

/** Appends events to `bot_events` with the next sequence numbers (the bot row is locked). */
async function storeEvents(m: EntityManager, botId: string, events: PendingEvent[]): Promise<BotEventDto[]> {
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
    out.push({
      botId,
      seq,
      time: (stored[0]?.time ?? new Date()).toISOString(),
      kind: e.kind,
      message: e.message,
      data: e.data ?? null,
    });
    seq++;
  }
  return out;
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

/**
 * A bot's activities. Each one does its whole job in one transaction with the bot row locked:
 * the orders, fills, events and the paper venue's state are stored together or not at all, and
 * the step number recorded with them tells a retried step that its work is already done.
 */
export function createBotActivities(deps: BotActivityDeps): BotActivities {
  const { dataSource, bars, events } = deps;
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
      stored = await storeEvents(m, botId, pending);
      return out;
    });
    await events.publish(stored);
    return result;
  };

  return {
    async reconcileBot({ botId }) {
      const result = await run(botId, async (m, bot, emit) => {
        const row = await m.getRepository(PaperVenueEntity).findOneBy({ botId });
        const outcome = await reconcilePaper(m, bot, row ? (row.state as unknown as PaperVenueState) : null);
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

    async botStep({ botId, step, orderSeq, decide }) {
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
        const { broker, venue, latest } = await openBroker(m, bot);
        const instrument = (await m
          .getRepository(InstrumentEntity)
          .findOneBy({ id: bot.instrumentId })) as InstrumentEntity;
        const feed = feedFor(bot.config.feed, bot.instrumentId, bars, dataSource);
        const window = await feed.window(step);
        const series = window.bars;
        const n = series.length;
        const lastTime = n > 0 ? (series.time[n - 1] as number) : NaN;
        const newBar = n > 0 && (Number.isNaN(venue.now) || lastTime > venue.now);

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
          const others: Array<{ exposure: number | null }> = await m.query(
            `SELECT abs((v.state->'ledger'->>'pos')::float8 * (v.state->>'lastPrice')::float8) AS exposure
               FROM paper_venues v JOIN bots b ON b.id = v.bot_id
              WHERE b.owner_id = $1 AND b.id <> $2 AND b.status IN ('running', 'paused')`,
            [bot.ownerId, bot.id],
          );
          const running = guardian.checkRunning({
            equity,
            dayStartEquity: marks.dayStartEquity,
            peakEquity: marks.peakEquity,
            exposure: Math.abs(venue.position().qty) * venue.price,
            otherExposures: others.map((o) => Number(o.exposure ?? 0)).filter((x) => Number.isFinite(x)),
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
      await run(botId, async (m, bot, emit) => {
        await m.query(`UPDATE bots SET status = $2, reason = $3, updated_at = now() WHERE id = $1`, [
          bot.id,
          status,
          message,
        ]);
        emit({ kind: 'status', message: `${status}: ${message}`, data: { status } });
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
