import {
  type BotConfig,
  type GraduationActivities,
  type GraduationBotStage,
  type GraduationBotTemplate,
  type GraduationCriteria,
  type GraduationCriterionResult,
  type GraduationEvaluation,
  type GraduationStatus,
  type GraduationTradePair,
  TIMEFRAME_MS,
} from '@gauntlet/contracts';
import { type BarsRepository, BotEntity, InstrumentEntity, PaperVenueEntity } from '@gauntlet/db';
import { runBacktest, type TradeRecord } from '@gauntlet/engine';
import { computeMetrics } from '@gauntlet/metrics';
import { compareTrades, PaperVenue, type PaperVenueState } from '@gauntlet/trading';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager } from 'typeorm';
import { toTradeDto } from './backtest.activities';
import { botEngineConfig } from './bot.activities';
import {
  type BotNotifier,
  defaultBotNotifier,
  flushBotNotifications,
  lazyBotNotifier,
  outboxGraduationStep,
} from './bot-notify';

export interface GraduationActivityDeps {
  dataSource: DataSource;
  bars: BarsRepository;
  notifications?: BotNotifier;
}

interface GraduationRow {
  id: string;
  owner_id: string;
  venue_account_id: string;
  status: GraduationStatus;
  criteria: GraduationCriteria;
  target_capital: number;
  paper_capital: number;
  bot_template: GraduationBotTemplate;
  paper_bot_id: string | null;
  live_bot_id: string | null;
  demoted_bot_id: string | null;
  evaluation: GraduationEvaluation | null;
}

const BOT_COLUMN: Record<GraduationBotStage, 'paper_bot_id' | 'live_bot_id' | 'demoted_bot_id'> = {
  paper: 'paper_bot_id',
  live: 'live_bot_id',
  demoted: 'demoted_bot_id',
};

async function loadGraduation(
  m: EntityManager | DataSource,
  id: string,
  lock = false,
): Promise<GraduationRow> {
  const rows: GraduationRow[] = await m.query(
    `SELECT * FROM graduations WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [id],
  );
  const row = rows[0];
  if (!row) throw ApplicationFailure.nonRetryable(`graduation ${id} does not exist`, 'UnknownGraduation');
  return row;
}

/** The last bar a bot has stepped over (ISO), from its last stored step. */
function lastBarOf(bot: BotEntity): string | null {
  const t = bot.runtime?.lastSummary?.['lastBarTime'];
  return typeof t === 'string' ? t : null;
}

/** Whether a bot's status was set by one of its risk limits. */
function byRiskLimit(bot: Pick<BotEntity, 'status' | 'reason'>): boolean {
  return (bot.status === 'paused' || bot.status === 'killed') && (bot.reason ?? '').startsWith('risk limit:');
}

/**
 * The paper account's equity at each bar's close, from its stored fills: a fill at bar i's open
 * (its time is the bar's) counts from bar i on.
 */
export function equityFromFills(
  capital: number,
  time: ArrayLike<number>,
  close: ArrayLike<number>,
  fills: ReadonlyArray<{ side: 'buy' | 'sell'; qty: number; price: number; fee: number; time: number }>,
): Float64Array {
  const out = new Float64Array(time.length);
  let cash = capital;
  let qty = 0;
  let k = 0;
  for (let i = 0; i < time.length; i++) {
    const t = time[i] as number;
    while (k < fills.length && (fills[k] as { time: number }).time <= t) {
      const f = fills[k++] as { side: 'buy' | 'sell'; qty: number; price: number; fee: number };
      const sign = f.side === 'buy' ? 1 : -1;
      qty += sign * f.qty;
      cash -= sign * f.qty * f.price + f.fee;
    }
    out[i] = cash + qty * (close[i] as number);
  }
  return out;
}

const YEAR_MS = 365 * 86_400_000;

/**
 * The paper period's Sharpe ratio from its per-bar returns: mean over sample standard deviation,
 * times the square root of the bars in a 365-day year. An evaluation lasts days or weeks, too
 * short for the reports' daily resampling, so the bars themselves are the sample. Null with
 * fewer than two returns or none that differ.
 */
export function barSharpe(equity: ArrayLike<number>, barMs: number): number | null {
  const n = equity.length - 1;
  if (n < 2) return null;
  let sum = 0;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    r[i] = (equity[i + 1] as number) / (equity[i] as number) - 1;
    sum += r[i] as number;
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += ((r[i] as number) - mean) ** 2;
  const sd = Math.sqrt(sq / (n - 1));
  if (!(sd > 0)) return null;
  return (mean / sd) * Math.sqrt(YEAR_MS / barMs);
}

export function checkCriteria(
  criteria: GraduationCriteria,
  actual: { trades: number; sharpe: number | null; maxDrawdownPct: number; trackingError: number },
): GraduationCriterionResult[] {
  const min = (name: keyof GraduationCriteria, v: number | null): GraduationCriterionResult => ({
    name,
    op: '>=',
    threshold: criteria[name],
    actual: v,
    pass: v !== null && v >= criteria[name],
  });
  const max = (name: keyof GraduationCriteria, v: number | null): GraduationCriterionResult => ({
    name,
    op: '<=',
    threshold: criteria[name],
    actual: v,
    pass: v !== null && v <= criteria[name],
  });
  return [
    min('minTrades', actual.trades),
    min('minSharpe', actual.sharpe),
    max('maxDrawdownPct', actual.maxDrawdownPct),
    max('maxTrackingError', actual.trackingError),
  ];
}

/**
 * What the graduation workflow does outside itself: the bot rows it trades through, their health,
 * the evaluation of the paper period against the engine's replay of it, the live capital, and
 * the timeline (each step once, with its notification in the outbox of the same transaction).
 */
export function createGraduationActivities(deps: GraduationActivityDeps): GraduationActivities {
  const { dataSource, bars } = deps;
  const notifier = deps.notifications ?? lazyBotNotifier(() => defaultBotNotifier(dataSource));

  return {
    async createGraduationBot({ graduationId, stage, capitalFraction }) {
      return dataSource.transaction(async (m) => {
        const g = await loadGraduation(m, graduationId, true);
        const column = BOT_COLUMN[stage];
        const existing = g[column];
        const repo = m.getRepository(BotEntity);
        if (existing) {
          const bot = await repo.findOneByOrFail({ id: existing });
          return {
            botId: bot.id,
            workflowId: bot.workflowId,
            stepMs: bot.config.feed.stepMs,
            continueAsNewEvery: bot.config.continueAsNewEvery,
          };
        }
        const t = g.bot_template;
        const tf = TIMEFRAME_MS[t.config.feed.timeframe];
        // Live trading takes over where the paper period ended; paper after a demotion takes over
        // where the live bot stopped.
        let from = t.config.feed.from;
        // A live feed's `from` is the warm-up history; it stays.
        const replay = t.config.feed.kind === 'replay';
        if (replay && stage === 'live' && g.evaluation)
          from = new Date(Date.parse(g.evaluation.to) + tf).toISOString();
        if (replay && stage === 'demoted' && g.live_bot_id) {
          const live = await repo.findOneByOrFail({ id: g.live_bot_id });
          const last = lastBarOf(live);
          if (last) from = new Date(Date.parse(last) + tf).toISOString();
          else if (g.evaluation) from = new Date(Date.parse(g.evaluation.to) + tf).toISOString();
        }
        const config: BotConfig = { ...t.config, feed: { ...t.config.feed, from } };
        const id = randomUUID();
        const live = stage === 'live';
        await repo.insert({
          id,
          ownerId: g.owner_id,
          name: `${t.name} (${stage === 'paper' ? 'paper evaluation' : live ? 'live' : 'paper after demotion'})`,
          strategy: t.strategy,
          params: t.params,
          instrumentId: t.instrument,
          mode: live ? 'live' : 'paper',
          venueAccountId: live ? g.venue_account_id : null,
          capital: live ? g.target_capital * capitalFraction : g.paper_capital,
          riskLimits: t.riskLimits as BotEntity['riskLimits'],
          config,
          status: 'created',
          reason: null,
          workflowId: `bot-${id}`,
          runtime: {},
        });
        await m.query(
          `UPDATE graduations SET ${column} = $2, capital_fraction = CASE WHEN $3 THEN $4::float8 ELSE capital_fraction END,
                  updated_at = now() WHERE id = $1`,
          [graduationId, id, live, capitalFraction],
        );
        return {
          botId: id,
          workflowId: `bot-${id}`,
          stepMs: config.feed.stepMs,
          continueAsNewEvery: config.continueAsNewEvery,
        };
      });
    },

    async graduationBotHealth({ botId }) {
      const bot = await dataSource.getRepository(BotEntity).findOneBy({ id: botId });
      if (!bot) throw ApplicationFailure.nonRetryable(`bot ${botId} does not exist`, 'UnknownBot');
      return {
        status: bot.status,
        reason: bot.reason,
        breach: byRiskLimit(bot),
        lastBarTime: lastBarOf(bot),
      };
    },

    async evaluateGraduation({ graduationId }) {
      const g = await loadGraduation(dataSource, graduationId);
      if (g.evaluation) return g.evaluation;
      if (!g.paper_bot_id)
        throw ApplicationFailure.nonRetryable(`graduation ${graduationId} has no paper bot`, 'NoPaperBot');
      const bot = await dataSource.getRepository(BotEntity).findOneByOrFail({ id: g.paper_bot_id });
      const instrument = await dataSource
        .getRepository(InstrumentEntity)
        .findOneByOrFail({ id: bot.instrumentId });
      const stored = await dataSource.getRepository(PaperVenueEntity).findOneBy({ botId: bot.id });
      const venue = stored ? PaperVenue.fromJSON(stored.state as unknown as PaperVenueState) : null;
      const feed = bot.config.feed;
      const from = Date.parse(feed.from);
      const lastBar = venue && !Number.isNaN(venue.now) ? venue.now : from;
      const tf = TIMEFRAME_MS[feed.timeframe];
      const series = await bars.load({
        instrumentId: bot.instrumentId,
        timeframe: feed.timeframe,
        from,
        to: lastBar + tf,
      });
      const n = series.time.length;

      // The paper trades, closed and open, and the engine's over exactly the same bars.
      const withOpen = (closed: TradeRecord[], open: readonly TradeRecord[]): TradeRecord[] => [
        ...closed,
        ...open,
      ];
      const paperTrades = venue
        ? withOpen(venue.trades(), venue.openTrade() ? [venue.openTrade()!] : [])
        : [];
      const engine =
        n > 0
          ? runBacktest({
              bars: series,
              strategyId: bot.strategy,
              params: bot.params,
              config: botEngineConfig(bot, instrument.lotSize),
            })
          : null;
      // Trades the engine entered before the paper bot's first bar (a live feed's warm-up history)
      // are not the paper period's.
      const firstActed = bot.runtime?.firstBarTime ?? from;
      const engineTrades = engine
        ? withOpen(engine.trades, engine.openTrades).filter((t) => t.entryTime >= firstActed)
        : [];
      const cmp = compareTrades(engineTrades, paperTrades);

      const fills: Array<{ side: 'buy' | 'sell'; qty: number; price: number; fee: number; time: Date }> =
        await dataSource.query(
          `SELECT side, qty, price, fee, time FROM bot_fills WHERE bot_id = $1 ORDER BY time, fill_id`,
          [bot.id],
        );
      // The paper period: from the first bar the bot acted on (after a live feed's warm-up).
      let k = 0;
      while (k < n && (series.time[k] as number) < firstActed) k++;
      const time = Float64Array.from(series.time).subarray(k);
      const equity = equityFromFills(
        bot.capital,
        time,
        Float64Array.from(series.close).subarray(k),
        fills.map((f) => ({
          ...f,
          qty: Number(f.qty),
          price: Number(f.price),
          fee: Number(f.fee),
          time: f.time.getTime(),
        })),
      );
      const m = equity.length;
      const closedPaper = venue ? venue.trades() : [];
      const metrics = m > 1 ? computeMetrics({ time, equity, trades: closedPaper }) : null;
      const equityFinal = m > 0 ? (equity[m - 1] as number) : bot.capital;
      const engineStart = engine && k < n ? (engine.equity[k > 0 ? k - 1 : 0] as number) : bot.capital;
      const engineFinal = engine && n > 0 ? (engine.equity[n - 1] as number) : bot.capital;
      const paper = {
        trades: closedPaper.length,
        returnPct: (equityFinal / bot.capital - 1) * 100,
        sharpe: barSharpe(equity, tf),
        maxDrawdownPct: metrics?.maxDrawdownPct ?? 0,
        equityFinal,
      };
      const criteria = checkCriteria(g.criteria, { ...paper, trackingError: cmp.trackingError });

      // Every pair, matched ones too, so the page can show the whole comparison; paired as
      // compareTrades pairs them (entry time and side, in order).
      const fieldsOf = new Map<TradeRecord, string[]>();
      for (const mm of cmp.mismatches)
        if (mm.kind === 'different' && mm.expected) fieldsOf.set(mm.expected, mm.fields);
      const key = (t: TradeRecord): string => `${t.entryTime}|${t.side}`;
      const unpaired = new Map<string, TradeRecord[]>();
      for (const a of paperTrades) unpaired.set(key(a), [...(unpaired.get(key(a)) ?? []), a]);
      const pairs: GraduationTradePair[] = [];
      for (const e of engineTrades) {
        const a = unpaired.get(key(e))?.shift();
        if (!a) {
          pairs.push({ kind: 'missing', expected: toTradeDto(e), actual: null, fields: [] });
          continue;
        }
        const fields = fieldsOf.get(e) ?? [];
        pairs.push({
          kind: fields.length > 0 ? 'different' : 'matched',
          expected: toTradeDto(e),
          actual: toTradeDto(a),
          fields,
        });
      }
      for (const rest of unpaired.values())
        for (const a of rest)
          pairs.push({ kind: 'unexpected', expected: null, actual: toTradeDto(a), fields: [] });

      const evaluation: GraduationEvaluation = {
        from: new Date(from).toISOString(),
        to: new Date(lastBar).toISOString(),
        bars: n,
        paper,
        engine: {
          trades: engineTrades.filter((t) => t.exitReason !== 'open').length,
          returnPct: (engineFinal / (k > 0 ? engineStart : bot.capital) - 1) * 100,
          equityFinal: engineFinal,
        },
        trackingError: cmp.trackingError,
        matched: cmp.matched,
        pairs,
        criteria,
        pass: criteria.every((c) => c.pass),
      };
      await dataSource.query(
        `UPDATE graduations SET evaluation = $2, updated_at = now() WHERE id = $1 AND evaluation IS NULL`,
        [graduationId, JSON.stringify(evaluation)],
      );
      return (await loadGraduation(dataSource, graduationId)).evaluation ?? evaluation;
    },

    async setGraduationCapital({ graduationId, fraction }) {
      await dataSource.transaction(async (m) => {
        const g = await loadGraduation(m, graduationId, true);
        if (!g.live_bot_id)
          throw ApplicationFailure.nonRetryable(`graduation ${graduationId} has no live bot`);
        await m.query(`UPDATE bots SET capital = $2, updated_at = now() WHERE id = $1`, [
          g.live_bot_id,
          g.target_capital * fraction,
        ]);
        await m.query(`UPDATE graduations SET capital_fraction = $2, updated_at = now() WHERE id = $1`, [
          graduationId,
          fraction,
        ]);
      });
    },

    async recordGraduationStep({ graduationId, key, step, status, message, data }) {
      await dataSource.transaction(async (m) => {
        const g = await loadGraduation(m, graduationId, true);
        const done: unknown[] = await m.query(
          `SELECT 1 FROM graduation_steps WHERE graduation_id = $1 AND key = $2`,
          [graduationId, key],
        );
        if (done.length > 0) return;
        const next: Array<{ seq: number }> = await m.query(
          `SELECT coalesce(max(seq), 0) + 1 AS seq FROM graduation_steps WHERE graduation_id = $1`,
          [graduationId],
        );
        const seq = next[0]?.seq ?? 1;
        const stored: Array<{ time: Date }> = await m.query(
          `INSERT INTO graduation_steps (graduation_id, seq, key, step, status, message, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING time`,
          [graduationId, seq, key, step, status, message, data ? JSON.stringify(data) : null],
        );
        const decision = data?.['decision'];
        await m.query(
          `UPDATE graduations SET status = $2, reason = $3, updated_at = now(),
                  decision = coalesce($4::jsonb, decision) WHERE id = $1`,
          [graduationId, status, message, decision ? JSON.stringify(decision) : null],
        );
        await outboxGraduationStep(m, g.owner_id, graduationId, key, stored[0]?.time ?? new Date(), {
          graduationId,
          seq,
          step,
          status,
          message,
          ...(data ?? {}),
        });
      });
      await flushBotNotifications(dataSource, notifier);
    },
  };
}
