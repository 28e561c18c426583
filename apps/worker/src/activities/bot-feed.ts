import {
  type BotFeedConfig,
  type LiveFeedConfig,
  type ReplayFeedConfig,
  TIMEFRAME_MS,
} from '@gauntlet/contracts';
import { type BarColumns, type BarsRepository } from '@gauntlet/db';
import { type DataSource } from 'typeorm';

/** The closed bars a bot decides on at one step. */
export interface FeedWindow {
  /** Every closed bar from the feed's first bar up to this step's, oldest first. */
  bars: BarColumns;
  /** The feed has no bar for this step and never will (a replay past the stored data). */
  exhausted: boolean;
}

/**
 * Where a bot's bars come from. The bot asks by step number, so a retried step sees the same
 * bars; a live feed would map the step to the wall clock's last closed bar instead.
 */
export interface BarFeed {
  window(step: number): Promise<FeedWindow>;
}

/**
 * Stored bars replayed one per step from `from`: step k sees the bars in
 * `[from, from + (k + 1) × timeframe)`. A gap in the data is a step without a new bar.
 */
export class ReplayFeed implements BarFeed {
  private readonly from: number;
  private readonly stepMs: number;

  constructor(
    private readonly config: ReplayFeedConfig,
    private readonly instrumentId: string,
    private readonly bars: BarsRepository,
    private readonly db: DataSource,
  ) {
    this.from = Date.parse(config.from);
    this.stepMs = TIMEFRAME_MS[config.timeframe];
  }

  async window(step: number): Promise<FeedWindow> {
    const slot = this.from + step * this.stepMs;
    const rows: Array<{ t: Date | null }> = await this.db.query(
      `SELECT max(time) AS t FROM bars WHERE instrument_id = $1`,
      [this.instrumentId],
    );
    const lastTime = rows[0]?.t?.getTime() ?? -Infinity;
    const bars = await this.bars.load({
      instrumentId: this.instrumentId,
      timeframe: this.config.timeframe,
      from: this.from,
      to: slot + this.stepMs,
    });
    return { bars, exhausted: slot > lastTime };
  }
}

/** Where a live feed's 1-minute bars come from: the exchange, into the store. */
export interface LiveBarSource {
  /** Stores the exchange's 1-minute bars of the instrument in `[from, to)` that are not stored yet. */
  topUp(instrumentId: string, from: number, to: number): Promise<void>;
}

/**
 * The market as it trades. Every step first tops the store up from the exchange to the current
 * minute, then sees every bar closed by now (at the feed's timeframe) from `from` on. A step
 * retried after a new bar closed sees that bar too, which is what a live bot should act on;
 * the bot's own bookkeeping (the last bar acted on) keeps a bar from being acted on twice.
 */
export class LiveFeed implements BarFeed {
  private readonly from: number;
  private readonly stepMs: number;

  constructor(
    private readonly config: LiveFeedConfig,
    private readonly instrumentId: string,
    private readonly bars: BarsRepository,
    private readonly source: LiveBarSource,
    private readonly clock: () => number = Date.now,
  ) {
    this.from = Date.parse(config.from);
    this.stepMs = TIMEFRAME_MS[config.timeframe];
  }

  async window(): Promise<FeedWindow> {
    const now = this.clock();
    await this.source.topUp(this.instrumentId, this.from, Math.floor(now / 60_000) * 60_000);
    // A bar starting before this has closed.
    const closed = Math.floor(now / this.stepMs) * this.stepMs;
    const bars = await this.bars.load({
      instrumentId: this.instrumentId,
      timeframe: this.config.timeframe,
      from: this.from,
      to: closed,
    });
    return { bars, exhausted: false };
  }
}

export function feedFor(
  config: BotFeedConfig,
  instrumentId: string,
  bars: BarsRepository,
  db: DataSource,
  live?: LiveBarSource,
): BarFeed {
  switch (config.kind) {
    case 'replay':
      return new ReplayFeed(config, instrumentId, bars, db);
    case 'live':
      if (!live) throw new Error('this worker has no exchange to feed live bots from');
      return new LiveFeed(config, instrumentId, bars, live);
  }
}
