import {
  BOT_COMMAND_FROM,
  type BotCommand,
  type BotDto,
  type BotEventDto,
  type BotFillDto,
  type BotStatus,
} from '@gauntlet/contracts';
import { type PriceMarker } from '@gauntlet/ui';

/** The live status when the workflow answered, else the stored one. */
export function currentStatus(bot: Pick<BotDto, 'status' | 'state'>): BotStatus {
  return bot.state?.status ?? bot.status;
}

/** Whether the API would accept the command now (it answers 409 otherwise). */
export function commandApplies(command: BotCommand, status: BotStatus): boolean {
  return BOT_COMMAND_FROM[command].includes(status);
}

/**
 * The question to ask before sending a command, or null to send it at once. KILL always asks
 * (it flattens the position); on a live bot every command asks, because real orders follow.
 */
export function confirmation(bot: Pick<BotDto, 'name' | 'mode'>, command: BotCommand): string | null {
  const live = bot.mode === 'live' ? ' This is a LIVE bot: real orders are sent.' : '';
  if (command === 'KILL')
    return `Kill bot "${bot.name}"? This cancels its open orders and flattens its position with a market order. A killed bot cannot be restarted.${live}`;
  if (bot.mode === 'live') return `Send ${command} to live bot "${bot.name}"?${live}`;
  return null;
}

/** The bot's fills as chart markers. */
export function fillMarkers(fills: readonly BotFillDto[]): PriceMarker[] {
  return fills.map((f) => ({ time: Date.parse(f.time), price: f.price, side: f.side }));
}

/**
 * Events merged by sequence number, oldest first. A reconnected stream replays from the start
 * (a new EventSource cannot send `Last-Event-ID`), so repeats are dropped here.
 */
export function mergeEvents(
  known: readonly BotEventDto[],
  incoming: readonly BotEventDto[],
  keep = 500,
): BotEventDto[] {
  const seen = new Set(known.map((e) => e.seq));
  const fresh = incoming.filter((e) => !seen.has(e.seq));
  if (fresh.length === 0) return known as BotEventDto[];
  const all = [...known, ...fresh].sort((a, b) => a.seq - b.seq);
  return all.length > keep ? all.slice(all.length - keep) : all;
}

export interface RiskLimitRow {
  name: string;
  threshold: number | null;
  action: string;
}

/** The form's risk-limit rows as the API's object; a row without a threshold is no limit. */
export function riskLimitsBody(
  rows: readonly RiskLimitRow[],
): Record<string, { threshold: number; action: string }> {
  const out: Record<string, { threshold: number; action: string }> = {};
  for (const r of rows)
    if (r.threshold !== null && r.threshold !== undefined && String(r.threshold) !== '')
      out[r.name] = { threshold: Number(r.threshold), action: r.action };
  return out;
}

export interface FillLedger {
  /** Signed position, rounded to 1e-9 so sums of decimal quantities settle at 0. */
  qty: number;
  /** Capital after every fill's cash flow and fee. */
  cash: number;
  /** cash − capital, as the API defines realised P&L. */
  realisedPnl: number;
}

/**
 * What a bot's fills add up to. A killed bot's workflow has ended and no longer answers the
 * state query, so its final position and P&L are read from its fills.
 */
export function fillLedger(capital: number, fills: readonly BotFillDto[]): FillLedger {
  let qty = 0;
  let cash = capital;
  for (const f of fills) {
    const sign = f.side === 'buy' ? 1 : -1;
    qty += sign * f.qty;
    cash -= sign * f.qty * f.price + f.fee;
  }
  const rounded = Math.round(qty * 1e9) / 1e9;
  return { qty: rounded === 0 ? 0 : rounded, cash, realisedPnl: cash - capital };
}

/** The newest `decision` event, for when the state query has nothing to say. */
export function lastDecisionEvent(events: readonly BotEventDto[]): BotEventDto | null {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]?.kind === 'decision') return events[i] ?? null;
  return null;
}
