import { type BotConfig, type BotMode, type BotStatus, type ParamValues } from '@gauntlet/contracts';
import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** What the worker keeps between steps of a bot: the last step done and the risk bookmarks. */
export interface BotRuntime {
  lastStep?: number;
  lastSummary?: Record<string, unknown>;
  marks?: { day: string; dayStartEquity: number; peakEquity: number; lastEquity: number };
  recentOrderTimes?: number[];
  /** Live: the time of the last bar the bot has seen (epoch ms). */
  lastBarTime?: number;
  /** Live: fills are read from the venue from this time on (epoch ms). */
  fillsSince?: number;
  /** Paper: the time of the first bar the bot stepped on (epoch ms). */
  firstBarTime?: number;
  /** Live: steps in a row whose orders the venue refused, and the last reason. */
  rejectStreak?: number;
  /** |position| × last price after the last step, for the owner's total-exposure limit. */
  exposure?: number;
}

@Entity({ name: 'bots' })
export class BotEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  strategy!: string;

  @Column({ type: 'jsonb' })
  params!: ParamValues;

  @Column({ name: 'instrument_id', type: 'text' })
  instrumentId!: string;

  @Column({ type: 'text' })
  mode!: BotMode;

  /** The exchange account a live bot trades through; null for paper. */
  @Column({ name: 'venue_account_id', type: 'uuid', nullable: true })
  venueAccountId!: string | null;

  @Column({ type: 'double precision' })
  capital!: number;

  @Column({ name: 'risk_limits', type: 'jsonb' })
  riskLimits!: Record<string, { threshold: number; action: string }>;

  @Column({ type: 'jsonb' })
  config!: BotConfig;

  @Column({ type: 'text' })
  status!: BotStatus;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'workflow_id', type: 'text' })
  workflowId!: string;

  @Column({ type: 'jsonb' })
  runtime!: BotRuntime;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'bot_orders' })
export class BotOrderEntity {
  @PrimaryColumn({ name: 'bot_id', type: 'uuid' })
  botId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'client_order_id', type: 'text', unique: true })
  clientOrderId!: string;

  @Column({ type: 'text' })
  side!: 'buy' | 'sell';

  @Column({ type: 'text' })
  type!: 'market' | 'limit';

  @Column({ type: 'double precision' })
  qty!: number;

  @Column({ type: 'double precision', nullable: true })
  price!: number | null;

  @Column({ name: 'filled_qty', type: 'double precision' })
  filledQty!: number;

  @Column({ name: 'avg_fill_price', type: 'double precision', nullable: true })
  avgFillPrice!: number | null;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'venue_order_id', type: 'text', nullable: true })
  venueOrderId!: string | null;

  /** The decision's "why" for the order, or the command that placed it. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'bot_fills' })
export class BotFillEntity {
  @PrimaryColumn({ name: 'bot_id', type: 'uuid' })
  botId!: string;

  @PrimaryColumn({ name: 'fill_id', type: 'text' })
  fillId!: string;

  @Column({ name: 'client_order_id', type: 'text' })
  clientOrderId!: string;

  @Column({ type: 'text' })
  side!: 'buy' | 'sell';

  @Column({ type: 'double precision' })
  qty!: number;

  @Column({ type: 'double precision' })
  price!: number;

  @Column({ type: 'double precision' })
  fee!: number;

  @Column({ type: 'timestamptz' })
  time!: Date;
}

@Entity({ name: 'bot_events' })
export class BotEventEntity {
  @PrimaryColumn({ name: 'bot_id', type: 'uuid' })
  botId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'timestamptz' })
  time!: Date;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'jsonb', nullable: true })
  data!: Record<string, unknown> | null;
}

@Entity({ name: 'paper_venues' })
export class PaperVenueEntity {
  @PrimaryColumn({ name: 'bot_id', type: 'uuid' })
  botId!: string;

  /** `PaperVenueState` from `@gauntlet/trading`. */
  @Column({ type: 'jsonb' })
  state!: Record<string, unknown>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
