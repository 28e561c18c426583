import { type MetricsReport } from '@gauntlet/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'backtest_results' })
export class BacktestResultEntity {
  @PrimaryColumn({ name: 'job_id', type: 'text' })
  jobId!: string;

  @Column({ type: 'jsonb' })
  metrics!: MetricsReport;

  @Column({ name: 'trade_count', type: 'integer' })
  tradeCount!: number;

  /** Closed trades as an Arrow IPC stream. */
  @Column({ name: 'trades_arrow', type: 'bytea' })
  tradesArrow!: Buffer;

  /** Equity curve (time, equity, drawdownPct) as an Arrow IPC stream. */
  @Column({ name: 'equity_arrow', type: 'bytea' })
  equityArrow!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
