import { type InstrumentKind } from '@gauntlet/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

const numeric = { to: (v: number) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

@Entity({ name: 'instruments' })
export class InstrumentEntity {
  /** `exchange:symbol` */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  exchange!: string;

  @Column({ type: 'text' })
  symbol!: string;

  @Column({ type: 'text' })
  kind!: InstrumentKind;

  @Column({ name: 'quote_currency', type: 'text' })
  quoteCurrency!: string;

  @Column({ name: 'tick_size', type: 'numeric', transformer: numeric })
  tickSize!: number;

  @Column({ name: 'lot_size', type: 'numeric', transformer: numeric })
  lotSize!: number;

  /** Changes whenever the instrument's stored bars change; part of every job's identity. */
  @Column({ name: 'data_version', type: 'text' })
  dataVersion!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
