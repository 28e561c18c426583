import { type JobError, type JobKind, type JobStatus } from '@gauntlet/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'jobs' })
@Index('jobs_owner_created_idx', ['ownerId', 'createdAt'])
export class JobEntity {
  /** Derived from the canonical input; see canonical-job-id in libs/contracts consumers. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  kind!: JobKind;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ type: 'text' })
  status!: JobStatus;

  @Column({ type: 'double precision', default: 0 })
  progress!: number;

  @Column({ type: 'text' })
  title!: string;

  /** The canonical request, exactly as hashed into the id. */
  @Column({ type: 'jsonb' })
  input!: Record<string, unknown>;

  @Column({ name: 'data_version', type: 'text' })
  dataVersion!: string;

  @Column({ name: 'engine_version', type: 'text' })
  engineVersion!: string;

  @Column({ name: 'workflow_id', type: 'text' })
  workflowId!: string;

  @Column({ type: 'jsonb', nullable: true })
  error!: JobError | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
