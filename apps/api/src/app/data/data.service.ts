import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { HttpException, HttpStatus, Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type GauntletConfig } from '@gauntlet/config';
import {
  type FieldError,
  type FundingRateDto,
  type ImportResultDto,
  type InstrumentCoverageDto,
  type InstrumentKind,
  type SyncExchange,
  type SyncJobDto,
  type SyncRequestDto,
  type Timeframe,
  TIMEFRAMES,
} from '@gauntlet/contracts';
import {
  ImportError,
  SYNC_EXCHANGES,
  SyncQueues,
  barCoverage,
  importBarsFile,
  importFundingFile,
  loadFundingRates,
} from '@gauntlet/market-data';
import { type Request, type Response } from 'express';
import multer from 'multer';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { RedisService } from '../../services/redis/redis.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, notFound, unavailable, validationError } from '../common/errors';

/** How many sync jobs a list shows (newest first). */
const SYNC_LIST_LIMIT = 100;

/** BullMQ states a listed sync job may be in (repeat jobs of continuous syncs are not listed). */
const LISTED_STATES = [
  'active',
  'waiting',
  'prioritized',
  'delayed',
  'waiting-children',
  'completed',
  'failed',
] as const;

interface Upload {
  path: string;
  originalName: string;
  fields: Record<string, unknown>;
}

/** Bar-file imports and coverage; the work itself is `@gauntlet/market-data`'s, shared with the CLI. */
@Injectable()
export class DataService implements OnApplicationShutdown {
  private queues: SyncQueues | undefined;

  constructor(
    private readonly db: DatabaseService,
    private readonly redis: RedisService,
    @Inject(CONFIG) private readonly config: GauntletConfig,
  ) {}

  /** Streams the multipart `file` field to a temporary file, refusing it past IMPORT_MAX_BYTES. */
  private receive(req: Request, res: Response): Promise<Upload> {
    const limit = this.config.importMaxBytes;
    const upload = multer({
      storage: multer.diskStorage({
        destination: tmpdir(),
        filename: (_req, _file, cb) => cb(null, `gauntlet-import-${randomUUID()}`),
      }),
      limits: { fileSize: limit, files: 1 },
    }).single('file');
    return new Promise((resolve, reject) => {
      upload(req, res, (err: unknown) => {
        if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') {
          reject(
            new HttpException(
              `the file is larger than the import limit of ${limit} bytes (IMPORT_MAX_BYTES)`,
              HttpStatus.PAYLOAD_TOO_LARGE,
            ),
          );
          return;
        }
        if (err) {
          reject(validationError([{ field: 'file', reason: (err as Error).message }]));
          return;
        }
        if (!req.file) {
          reject(validationError([{ field: 'file', reason: 'a multipart field "file" is required' }]));
          return;
        }
        resolve({
          path: req.file.path,
          originalName: req.file.originalname,
          fields: (req.body ?? {}) as Record<string, unknown>,
        });
      });
    });
  }

  async importUpload(req: Request, res: Response, owner: string): Promise<ImportResultDto> {
    const upload = await this.receive(req, res);
    try {
      const text = (name: string): string | undefined => {
        const v = upload.fields[name];
        return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
      };
      const errors: FieldError[] = [];
      const series = text('series') ?? 'bars';
      if (series !== 'bars' && series !== 'funding')
        errors.push({ field: 'series', reason: 'must be bars or funding' });
      const exchange = text('exchange');
      const symbol = text('symbol');
      if (!exchange) errors.push({ field: 'exchange', reason: 'is required' });
      if (!symbol) errors.push({ field: 'symbol', reason: 'is required' });
      const timeframe = text('timeframe') ?? '1m';
      if (series === 'funding' && text('timeframe') !== undefined)
        errors.push({ field: 'timeframe', reason: 'funding rates have no timeframe' });
      else if (!(TIMEFRAMES as readonly string[]).includes(timeframe))
        errors.push({ field: 'timeframe', reason: `must be one of ${TIMEFRAMES.join(', ')}` });
      const kind = text('kind');
      if (kind !== undefined && kind !== 'spot' && kind !== 'perpetual')
        errors.push({ field: 'kind', reason: 'must be spot or perpetual' });
      if (errors.length > 0) throw validationError(errors);
      const quote = text('quoteCurrency');
      const skipInvalid = ['true', '1', 'yes'].includes(text('skipInvalid') ?? '');
      try {
        if (series === 'funding') {
          return await importFundingFile(this.db.pool, this.config.databaseSchema, {
            path: upload.path,
            exchange: exchange!,
            symbol: symbol!,
            skipInvalid,
            owner,
            ...(kind ? { kind: kind as InstrumentKind } : {}),
            ...(quote ? { quoteCurrency: quote } : {}),
          });
        }
        return await importBarsFile(this.db.pool, this.config.databaseSchema, {
          path: upload.path,
          name: upload.originalName,
          exchange: exchange!,
          symbol: symbol!,
          timeframe: timeframe as Timeframe,
          skipInvalid,
          owner,
          ...(kind ? { kind: kind as InstrumentKind } : {}),
          ...(quote ? { quoteCurrency: quote } : {}),
        });
      } catch (e) {
        if (e instanceof ImportError) throw validationError([{ field: 'file', reason: e.message }]);
        if (e instanceof Error && e.name === 'BarsFormatError')
          throw validationError([{ field: 'file', reason: e.message }]);
        throw e;
      }
    } finally {
      await unlink(upload.path).catch(() => undefined);
    }
  }

  coverage(
    instrumentId: string | undefined,
    minMissingBars: number,
    timeframe: Timeframe | undefined,
  ): Promise<InstrumentCoverageDto[]> {
    return barCoverage(this.db.pool, this.config.databaseSchema, {
      minMissingBars,
      ...(instrumentId ? { instrumentId } : {}),
      ...(timeframe ? { timeframes: [timeframe] } : {}),
    });
  }

  async fundingRates(instrument: unknown, fromText: unknown, toText: unknown): Promise<FundingRateDto[]> {
    const errors: FieldError[] = [];
    if (typeof instrument !== 'string' || !/^[a-z0-9_-]+:[A-Za-z0-9_.\-/]+$/.test(instrument))
      errors.push({ field: 'instrument', reason: 'must look like exchange:SYMBOL' });
    const from = typeof fromText === 'string' ? Date.parse(fromText) : NaN;
    const to = typeof toText === 'string' ? Date.parse(toText) : NaN;
    if (!Number.isFinite(from)) errors.push({ field: 'from', reason: 'must be an ISO 8601 timestamp' });
    if (!Number.isFinite(to)) errors.push({ field: 'to', reason: 'must be an ISO 8601 timestamp' });
    else if (Number.isFinite(from) && !(to > from))
      errors.push({ field: 'to', reason: 'must be after from' });
    if (errors.length > 0) throw validationError(errors);
    const id = instrument as string;
    const known = await this.db.pool.query(
      `SELECT 1 FROM "${this.config.databaseSchema}".instruments WHERE id = $1`,
      [id],
    );
    if (known.rowCount === 0) throw notFound('Instrument', id);
    return loadFundingRates(this.db.pool, this.config.databaseSchema, { instrumentId: id, from, to });
  }

  private get syncQueues(): SyncQueues {
    this.queues ??= new SyncQueues(this.config.redisUrl, this.config.redisPrefix);
    return this.queues;
  }

  /**
   * Sync jobs carry no owner (the same request from two users is one job), so who asked for which
   * is kept beside the queue: one sorted set per user, scored by when they asked.
   */
  private syncOwnerKey(userId: string): string {
    return this.redis.key('data-syncs', 'owner', userId);
  }

  async submitSync(body: SyncRequestDto, user: AuthUser): Promise<{ job: SyncJobDto; created: boolean }> {
    const submitted = await this.submitSyncJob(body);
    try {
      await this.redis.client.zadd(this.syncOwnerKey(user.id), Date.now(), submitted.job.id);
    } catch (e) {
      throw unavailable('Redis', e);
    }
    return submitted;
  }

  /** The caller's sync jobs, newest first; an admin sees every sync job on the queues. */
  async listSyncs(user: AuthUser): Promise<SyncJobDto[]> {
    try {
      if (user.role === 'admin') return await this.allSyncs();
      const key = this.syncOwnerKey(user.id);
      const ids = await this.redis.client.zrevrange(key, 0, SYNC_LIST_LIMIT - 1);
      const jobs = await Promise.all(ids.map((id) => this.syncQueues.find(id)));
      // Finished jobs age out of the queue (7 days completed, 30 failed); forget them here too.
      const gone = ids.filter((_, i) => jobs[i] === null);
      if (gone.length > 0) await this.redis.client.zrem(key, ...gone);
      return jobs.filter((j): j is SyncJobDto => j !== null);
    } catch (e) {
      if (e instanceof DomainError) throw e;
      throw unavailable('Redis', e);
    }
  }

  private async allSyncs(): Promise<SyncJobDto[]> {
    const found: { exchange: SyncExchange; id: string; at: number }[] = [];
    for (const exchange of SYNC_EXCHANGES) {
      const jobs = await this.syncQueues.queue(exchange).getJobs([...LISTED_STATES], 0, SYNC_LIST_LIMIT - 1);
      for (const j of jobs)
        if (j?.id?.startsWith('sync-')) found.push({ exchange, id: j.id, at: j.timestamp });
    }
    found.sort((a, b) => b.at - a.at);
    const jobs = await Promise.all(
      found.slice(0, SYNC_LIST_LIMIT).map((f) => this.syncQueues.get(f.exchange, f.id)),
    );
    return jobs.filter((j): j is SyncJobDto => j !== null);
  }

  private async submitSyncJob(body: SyncRequestDto): Promise<{ job: SyncJobDto; created: boolean }> {
    const errors: FieldError[] = [];
    if (body.exchange !== 'bybit' && body.exchange !== 'binance')
      errors.push({ field: 'exchange', reason: 'must be bybit or binance' });
    if (typeof body.symbol !== 'string' || !/^[A-Za-z0-9]{2,30}$/.test(body.symbol))
      errors.push({ field: 'symbol', reason: 'must be an exchange symbol such as BTCUSDT' });
    const kind = body.kind ?? 'spot';
    if (kind !== 'spot' && kind !== 'perpetual')
      errors.push({ field: 'kind', reason: 'must be spot or perpetual' });
    const from = Date.parse(String(body.from));
    if (!Number.isFinite(from)) errors.push({ field: 'from', reason: 'must be an ISO 8601 date' });
    const to = body.to === undefined ? undefined : Date.parse(String(body.to));
    if (to !== undefined && !(to > from))
      errors.push({ field: 'to', reason: 'must be an ISO 8601 date after from' });
    const every = body.everySeconds ?? 60;
    if (!Number.isInteger(every) || every < 10)
      errors.push({ field: 'everySeconds', reason: 'must be a whole number >= 10' });
    if (errors.length > 0) throw validationError(errors);
    return this.syncQueues.submit(
      {
        exchange: body.exchange,
        symbol: body.symbol.toUpperCase(),
        kind,
        from,
        ...(to !== undefined ? { to } : {}),
        ...(body.funding ? { funding: true } : {}),
      },
      body.continuous ? every * 1000 : undefined,
    );
  }

  /** One sync job, for an admin or a user who asked for it (anyone else: 404, as if absent). */
  async sync(id: string, user: AuthUser): Promise<SyncJobDto> {
    if (user.role !== 'admin') {
      let asked: string | null;
      try {
        asked = await this.redis.client.zscore(this.syncOwnerKey(user.id), id);
      } catch (e) {
        throw unavailable('Redis', e);
      }
      if (asked === null) throw notFound('Sync job', id);
    }
    const job = await this.syncQueues.find(id);
    if (!job) throw notFound('Sync job', id);
    return job;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queues?.close();
  }
}
