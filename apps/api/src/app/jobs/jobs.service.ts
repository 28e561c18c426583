import { Inject, Injectable, Logger } from '@nestjs/common';
import { type GauntletConfig } from '@gauntlet/config';
import {
  type JobDto,
  type JobListQuery,
  type JobProgressEvent,
  type Page,
  TERMINAL_JOB_STATUSES,
} from '@gauntlet/contracts';
import { JobEntity } from '@gauntlet/db';
import { WorkflowNotFoundError } from '@temporalio/client';
import { type MessageEvent } from '@nestjs/common';
import {
  concat,
  defer,
  from,
  interval,
  map,
  merge,
  Observable,
  of,
  switchMap,
  takeWhile,
  filter,
  scan,
} from 'rxjs';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { RedisService } from '../../services/redis/redis.service';
import { TemporalService } from '../../services/temporal/temporal.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode, notFound } from '../common/errors';

/** Whether `e` moves a job's stream forward from `last`: a later status, or more progress. */
export function isLater(e: JobProgressEvent, last: JobProgressEvent): boolean {
  const rank = (x: JobProgressEvent): number =>
    TERMINAL_JOB_STATUSES.includes(x.status) ? 2 : x.status === 'running' ? 1 : 0;
  return (
    rank(e) > rank(last) ||
    (rank(e) === rank(last) && (e.progress > last.progress || e.status !== last.status))
  );
}

@Injectable()
export class JobsService {
  private readonly logger = new Logger(JobsService.name);

  constructor(
    private readonly db: DatabaseService,
    private readonly redis: RedisService,
    private readonly temporal: TemporalService,
    @Inject(CONFIG) private readonly config: GauntletConfig,
  ) {}

  toDto(job: JobEntity): JobDto {
    const self = `/api/jobs/${job.id}`;
    const finished = job.finishedAt ?? null;
    const parent = job.input?.['parentJobId'];
    return {
      id: job.id,
      kind: job.kind,
      status: job.status,
      progress: job.progress,
      title: job.title,
      ownerId: job.ownerId,
      createdAt: job.createdAt.toISOString(),
      startedAt: job.startedAt ? job.startedAt.toISOString() : null,
      finishedAt: finished ? finished.toISOString() : null,
      durationMs: job.startedAt && finished ? finished.getTime() - job.startedAt.getTime() : null,
      error: job.error,
      links: {
        self,
        events: `${self}/events`,
        cancel: `${self}/cancel`,
        ...(job.status === 'completed' && job.kind === 'backtest'
          ? { result: `/api/backtests/${job.id}` }
          : {}),
        ...(job.status === 'completed' && job.kind === 'sweep' ? { result: `/api/sweeps/${job.id}` } : {}),
        ...(job.status === 'completed' && job.kind === 'walk-forward'
          ? { result: `/api/walk-forwards/${job.id}` }
          : {}),
        ...(job.status === 'completed' && job.kind === 'monte-carlo'
          ? { result: `/api/monte-carlo/${job.id}` }
          : {}),
        temporal: `${this.config.temporalUiUrl}/namespaces/${this.config.temporalNamespace}/workflows/${encodeURIComponent(job.workflowId)}`,
      },
      ...(typeof parent === 'string' ? { parentJobId: parent } : {}),
    };
  }

  /** A job the user may see: their own, or any for an admin. Others' jobs are reported as absent. */
  async findVisible(user: AuthUser, id: string): Promise<JobEntity> {
    const job = await this.db.ds.getRepository(JobEntity).findOneBy({ id });
    if (!job || (job.ownerId !== user.id && user.role !== 'admin')) throw notFound('Job', id);
    return job;
  }

  async list(user: AuthUser, query: JobListQuery): Promise<Page<JobDto>> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const qb = this.db.ds.getRepository(JobEntity).createQueryBuilder('j');
    if (user.role !== 'admin') qb.andWhere('j.owner_id = :owner', { owner: user.id });
    if (query.kind) qb.andWhere('j.kind = :kind', { kind: query.kind });
    if (query.status) qb.andWhere('j.status = :status', { status: query.status });
    const [rows, total] = await qb
      .orderBy('j.created_at', 'DESC')
      .addOrderBy('j.id')
      .skip(offset)
      .take(limit)
      .getManyAndCount();
    return { items: rows.map((j) => this.toDto(j)), total, limit, offset };
  }

  async cancel(user: AuthUser, id: string): Promise<JobDto> {
    const job = await this.findVisible(user, id);
    if (TERMINAL_JOB_STATUSES.includes(job.status)) {
      throw new DomainError(ErrorCode.Conflict, `Job ${id} is already ${job.status}`);
    }
    const client = await this.temporal.require();
    try {
      await client.workflow.getHandle(job.workflowId).cancel();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // No workflow ever started (Temporal was down when it was queued): nothing runs, so end it here.
      await this.db.ds
        .getRepository(JobEntity)
        .update({ id, status: 'queued' }, { status: 'cancelled', finishedAt: new Date() });
    }
    return this.toDto(await this.findVisible(user, id));
  }

  /**
   * Live progress: the stored state first, then Redis pub/sub events, with a slow database poll
   * merged in so a message lost while Redis was away cannot leave a client stuck.
   */
  events(user: AuthUser, id: string): Observable<MessageEvent> {
    const channel = this.redis.key('jobs', id, 'progress');
    const snapshot = (): Observable<JobProgressEvent> =>
      defer(() => from(this.findVisible(user, id))).pipe(map((j) => this.eventOf(j)));
    const live = this.redis.channel(channel).pipe(
      map((raw) => JSON.parse(raw) as JobProgressEvent),
      filter((e) => e.jobId === id),
    );
    const poll = interval(3_000).pipe(switchMap(() => snapshot()));
    return concat(snapshot(), merge(live, poll)).pipe(
      // Live events and the periodic read of the stored row can arrive out of order (the worker
      // publishes steps it does not store): the stream only moves forward.
      scan<JobProgressEvent, { last: JobProgressEvent | null; next: JobProgressEvent | null }>(
        ({ last }, e) => (last && !isLater(e, last) ? { last, next: null } : { last: e, next: e }),
        { last: null, next: null },
      ),
      map(({ next }) => next),
      filter((e): e is JobProgressEvent => e !== null),
      takeWhile((e) => !TERMINAL_JOB_STATUSES.includes(e.status), true),
      map((e): MessageEvent => ({ type: 'progress', data: e, id: `${Date.now()}` })),
    );
  }

  private eventOf(job: JobEntity): JobProgressEvent {
    return { jobId: job.id, status: job.status, progress: job.progress, at: new Date().toISOString() };
  }

  /** For tests and the UI's first paint: the stored state as a one-shot stream. */
  snapshotEvent(job: JobEntity): Observable<JobProgressEvent> {
    return of(this.eventOf(job));
  }
}
