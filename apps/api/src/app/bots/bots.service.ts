import { Inject, Injectable, Logger, type MessageEvent } from '@nestjs/common';
import { type GauntletConfig, taskQueue } from '@gauntlet/config';
import {
  BOT_COMMAND_FROM,
  BOT_SIGNALS,
  BOT_STATE_QUERY,
  BOT_WORKFLOW_TYPE,
  type BotCommand,
  type BotConfig,
  type BotDto,
  type BotEventDto,
  type BotFillDto,
  type BotOrderDto,
  type BotSizing,
  type BotState,
  type BotStatus,
  type BotWorkflowInput,
  type FieldError,
  type KillSwitchResult,
  LIVE_FEED_EXCHANGES,
  type LiveBotSource,
  type ParamValues,
} from '@gauntlet/contracts';
import {
  BotEntity,
  BotEventEntity,
  BotFillEntity,
  BotOrderEntity,
  InstrumentEntity,
  VenueAccountEntity,
} from '@gauntlet/db';
import { validateParams } from '@gauntlet/strategies';
import { validateRiskLimits } from '@gauntlet/trading';
import { randomUUID } from 'node:crypto';
import { concatMap, defer, from, interval, merge, type Observable, of, mergeMap } from 'rxjs';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { RedisService } from '../../services/redis/redis.service';
import { TemporalService } from '../../services/temporal/temporal.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode, notFound, validationError } from '../common/errors';
import { type BotSizingDto, type CreateBotRequestDto } from './bots.dto';

const DEFAULT_CONTINUE_AS_NEW = 500;
/** A `state` query that takes longer than this is left out of the answer rather than stall it. */
const STATE_QUERY_TIMEOUT_MS = 2_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkSizing(s: BotSizingDto | undefined, errors: FieldError[]): BotSizing {
  if (!s) return { kind: 'all-in' };
  const need = (field: 'units' | 'amount' | 'fraction'): number => {
    const v = s[field];
    if (v === undefined || !(v > 0))
      errors.push({ field: `sizing.${field}`, reason: `is required (> 0) for ${s.kind}` });
    return v ?? 0;
  };
  switch (s.kind) {
    case 'all-in':
      return { kind: 'all-in' };
    case 'units':
      return { kind: 'units', units: need('units') };
    case 'cash':
      return { kind: 'cash', amount: need('amount') };
    case 'equity':
      return { kind: 'equity', fraction: need('fraction') };
  }
}

/** A live feed reads an exchange the worker has an adapter for, from a start in the past. */
export function checkLiveFeed(instrument: string, from: string, now = Date.now()): FieldError[] {
  const errors: FieldError[] = [];
  const exchange = instrument.split(':')[0] ?? '';
  if (!(LIVE_FEED_EXCHANGES as readonly string[]).includes(exchange))
    errors.push({
      field: 'feed.kind',
      reason: `a live feed needs an instrument of ${LIVE_FEED_EXCHANGES.join(' or ')}, not ${exchange}`,
    });
  if (!(Date.parse(from) < now))
    errors.push({ field: 'feed.from', reason: 'must be in the past for a live feed' });
  return errors;
}

@Injectable()
export class BotsService {
  private readonly logger = new Logger(BotsService.name);

  constructor(
    private readonly db: DatabaseService,
    private readonly redis: RedisService,
    private readonly temporal: TemporalService,
    @Inject(CONFIG) private readonly config: GauntletConfig,
  ) {}

  toDto(bot: BotEntity, state?: BotState | null): BotDto {
    const self = `/api/bots/${bot.id}`;
    return {
      id: bot.id,
      ownerId: bot.ownerId,
      name: bot.name,
      strategy: bot.strategy,
      params: bot.params,
      instrument: bot.instrumentId,
      mode: bot.mode,
      venueAccountId: bot.venueAccountId,
      capital: bot.capital,
      riskLimits: bot.riskLimits,
      config: bot.config,
      status: bot.status,
      workflowId: bot.workflowId,
      createdAt: bot.createdAt.toISOString(),
      updatedAt: bot.updatedAt.toISOString(),
      ...(state !== undefined ? { state } : {}),
      links: {
        self,
        commands: `${self}/commands`,
        orders: `${self}/orders`,
        fills: `${self}/fills`,
        events: `${self}/events`,
      },
    };
  }

  /** A bot the user may see: their own, or any for an admin. Others' bots are reported as absent. */
  async findVisible(user: AuthUser, id: string): Promise<BotEntity> {
    const uuid = UUID.test(id);
    const bot = uuid ? await this.db.ds.getRepository(BotEntity).findOneBy({ id }) : null;
    if (!bot || (bot.ownerId !== user.id && user.role !== 'admin')) throw notFound('Bot', id);
    return bot;
  }

  async create(user: AuthUser, req: CreateBotRequestDto): Promise<BotDto> {
    const errors: FieldError[] = [];
    if (req.mode === 'live')
      errors.push({ field: 'mode', reason: 'live trading is reached through a graduation' });
    return this.insertAndStart(user.id, req, errors, null);
  }

  /**
   * A live bot trading through one of the owner's venue accounts, validated exactly as a paper
   * bot's. Not reachable over HTTP: users reach live trading through a graduation, whose workflow
   * creates its live bot in the worker. This in-process way in is for operators' tooling and the
   * fault tests, which need live bots without a paper period.
   */
  async createLiveBot(
    owner: Pick<AuthUser, 'id'>,
    req: Omit<CreateBotRequestDto, 'mode'>,
    source: LiveBotSource,
  ): Promise<BotDto> {
    const account = UUID.test(source.venueAccountId)
      ? await this.db.ds.getRepository(VenueAccountEntity).findOneBy({ id: source.venueAccountId })
      : null;
    if (!account || account.ownerId !== owner.id) throw notFound('Venue account', source.venueAccountId);
    return this.insertAndStart(owner.id, { ...req, mode: 'live' }, [], account.id);
  }

  private async insertAndStart(
    ownerId: string,
    req: CreateBotRequestDto,
    errors: FieldError[],
    venueAccountId: string | null,
  ): Promise<BotDto> {
    errors.push(...validateParams(req.strategy, req.params));
    const risk = validateRiskLimits(req.riskLimits ?? {}, 'riskLimits');
    errors.push(...risk.errors);
    const sizing = checkSizing(req.sizing, errors);
    if (errors.length > 0) throw validationError(errors);
    if (req.feed.kind === 'live') errors.push(...checkLiveFeed(req.instrument, req.feed.from));
    if (errors.length > 0) throw validationError(errors);
    const instrument = await this.db.ds.getRepository(InstrumentEntity).findOneBy({ id: req.instrument });
    if (!instrument) throw notFound('Instrument', req.instrument);
    if (req.feed.kind !== 'live') {
      const has = await this.db.pool.query(
        `SELECT 1 FROM bars WHERE instrument_id = $1 AND time >= $2 LIMIT 1`,
        [req.instrument, new Date(req.feed.from)],
      );
      if (has.rowCount === 0)
        throw validationError([
          { field: 'feed.from', reason: `no stored bars for ${req.instrument} from then on` },
        ]);
    }

    const config: BotConfig = {
      feed: {
        kind: req.feed.kind,
        from: new Date(req.feed.from).toISOString(),
        timeframe: req.feed.timeframe ?? '1m',
        stepMs: req.feed.stepMs,
      },
      fees: {
        commission: req.fees?.commission ?? 0,
        fixedPerFill: req.fees?.fixedPerFill ?? 0,
        slippageBps: req.fees?.slippageBps ?? 0,
        spreadBps: req.fees?.spreadBps ?? 0,
      },
      sizing,
      sizingHeadroom: req.sizingHeadroom ?? 0,
      continueAsNewEvery: req.continueAsNewEvery ?? DEFAULT_CONTINUE_AS_NEW,
    };
    const id = randomUUID();
    const repo = this.db.ds.getRepository(BotEntity);
    await repo.insert({
      id,
      ownerId,
      name: req.name,
      strategy: req.strategy,
      params: req.params,
      instrumentId: req.instrument,
      mode: venueAccountId ? 'live' : 'paper',
      venueAccountId,
      capital: req.capital,
      riskLimits: (risk.limits ?? {}) as BotEntity['riskLimits'],
      config,
      status: 'created',
      reason: null,
      workflowId: `bot-${id}`,
      runtime: {},
    });
    const input: BotWorkflowInput = {
      botId: id,
      stepMs: config.feed.stepMs,
      continueAsNewEvery: config.continueAsNewEvery,
    };
    try {
      const client = await this.temporal.require();
      await client.workflow.start(BOT_WORKFLOW_TYPE, {
        workflowId: `bot-${id}`,
        taskQueue: taskQueue(this.config, 'trading'),
        args: [input],
        memo: { ownerId, title: req.name },
      });
    } catch (err) {
      // No bot without a workflow: the row goes again and the client may retry.
      await repo.delete({ id });
      this.logger.warn(`could not start the workflow of bot ${id}: ${(err as Error).message}`);
      if (err instanceof DomainError) throw err;
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        `Temporal is unavailable: ${(err as Error).message}`,
      );
    }
    return this.toDto(await repo.findOneByOrFail({ id }));
  }

  /**
   * Kills every running or paused bot of the caller (`mine`) or, for an admin, of every user
   * (`all`): each gets a KILL with the kill switch as its reason (its workflow cancels the open
   * orders, flattens and records the event) and an audit row of its own.
   */
  async killSwitch(user: AuthUser, scope: 'mine' | 'all'): Promise<KillSwitchResult> {
    if (scope === 'all' && user.role !== 'admin')
      throw new DomainError(ErrorCode.Forbidden, "only an admin may kill every user's bots");
    const qb = this.db.ds
      .getRepository(BotEntity)
      .createQueryBuilder('b')
      .where(`b.status IN ('running', 'paused')`);
    if (scope === 'mine') qb.andWhere('b.owner_id = :owner', { owner: user.id });
    const bots = await qb.orderBy('b.created_at').addOrderBy('b.id').getMany();
    const reason = `killed by the kill switch (${scope === 'all' ? 'every bot' : 'own bots'}, ${user.email})`;
    const killed: KillSwitchResult['killed'] = [];
    for (const bot of bots) {
      try {
        await this.signal(bot, BOT_SIGNALS.kill, reason);
      } catch (err) {
        // A bot whose workflow has already ended has nothing left to kill.
        if (err instanceof DomainError && err.code === ErrorCode.Conflict) continue;
        throw err;
      }
      killed.push({ botId: bot.id, ownerId: bot.ownerId, name: bot.name, previousStatus: bot.status });
      await this.db.pool.query(
        `INSERT INTO audit_log (user_id, method, path, status, ip, duration_ms) VALUES ($1, 'POST', $2, 202, NULL, 0)`,
        [user.id, `/api/bots/${bot.id}/kill-switch`],
      );
    }
    return { scope, killed };
  }

  async list(user: AuthUser): Promise<BotDto[]> {
    const qb = this.db.ds.getRepository(BotEntity).createQueryBuilder('b');
    if (user.role !== 'admin') qb.where('b.owner_id = :owner', { owner: user.id });
    const rows = await qb.orderBy('b.created_at', 'DESC').addOrderBy('b.id').getMany();
    return rows.map((b) => this.toDto(b));
  }

  /** The workflow's `state` answer, or null when it does not answer (not running, Temporal away). */
  async state(bot: BotEntity): Promise<BotState | null> {
    try {
      const client = await this.temporal.getClient();
      const query = client.workflow.getHandle(bot.workflowId).query<BotState>(BOT_STATE_QUERY);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>(
        (res) => (timer = setTimeout(() => res(null), STATE_QUERY_TIMEOUT_MS)),
      );
      try {
        return await Promise.race([query, timeout]);
      } finally {
        clearTimeout(timer);
      }
    } catch {
      return null;
    }
  }

  async get(user: AuthUser, id: string): Promise<BotDto> {
    const bot = await this.findVisible(user, id);
    return this.toDto(bot, bot.status === 'killed' ? null : await this.state(bot));
  }

  async command(
    user: AuthUser,
    id: string,
    command: BotCommand,
  ): Promise<{ botId: string; command: BotCommand; previousStatus: BotStatus }> {
    const bot = await this.findVisible(user, id);
    const state = bot.status === 'killed' ? null : await this.state(bot);
    const status = state?.status ?? bot.status;
    if (!BOT_COMMAND_FROM[command].includes(status)) {
      throw new DomainError(
        ErrorCode.Conflict,
        `${command} does not apply to a bot that is ${status} (it applies to ${BOT_COMMAND_FROM[command].join(', ')})`,
      );
    }
    const signal = BOT_SIGNALS[command.toLowerCase() as Lowercase<BotCommand>];
    await this.signal(bot, signal);
    return { botId: bot.id, command, previousStatus: status };
  }

  async updateParams(user: AuthUser, id: string, params: ParamValues): Promise<BotDto> {
    const bot = await this.findVisible(user, id);
    const errors = validateParams(bot.strategy, params);
    if (errors.length > 0) throw validationError(errors);
    if (bot.status === 'killed') throw new DomainError(ErrorCode.Conflict, `Bot ${id} is killed`);
    await this.signal(bot, BOT_SIGNALS.updateParams, params);
    return this.toDto(bot);
  }

  private async signal(bot: BotEntity, name: string, ...args: unknown[]): Promise<void> {
    const client = await this.temporal.require();
    try {
      await client.workflow.getHandle(bot.workflowId).signal(name, ...args);
    } catch (err) {
      const message = (err as Error).message;
      if (/not found|already completed/i.test(message))
        throw new DomainError(ErrorCode.Conflict, `Bot ${bot.id} has no running workflow`);
      throw new DomainError(ErrorCode.ServiceUnavailable, `Temporal is unavailable: ${message}`);
    }
  }

  async orders(user: AuthUser, id: string): Promise<BotOrderDto[]> {
    await this.findVisible(user, id);
    const rows = await this.db.ds
      .getRepository(BotOrderEntity)
      .find({ where: { botId: id }, order: { seq: 'ASC' } });
    return rows.map((o) => ({
      clientOrderId: o.clientOrderId,
      seq: o.seq,
      side: o.side,
      type: o.type,
      qty: o.qty,
      price: o.price,
      filledQty: o.filledQty,
      avgFillPrice: o.avgFillPrice,
      status: o.status,
      venueOrderId: o.venueOrderId,
      reason: o.reason,
      createdAt: o.createdAt.toISOString(),
      updatedAt: o.updatedAt.toISOString(),
    }));
  }

  async fills(user: AuthUser, id: string): Promise<BotFillDto[]> {
    await this.findVisible(user, id);
    const rows = await this.db.ds
      .getRepository(BotFillEntity)
      .find({ where: { botId: id }, order: { time: 'ASC', fillId: 'ASC' } });
    return rows.map((f) => ({
      fillId: f.fillId,
      clientOrderId: f.clientOrderId,
      side: f.side,
      qty: f.qty,
      price: f.price,
      fee: f.fee,
      time: f.time.toISOString(),
    }));
  }

  private async eventsAfter(botId: string, seq: number): Promise<BotEventDto[]> {
    const rows = await this.db.ds
      .getRepository(BotEventEntity)
      .createQueryBuilder('e')
      .where('e.bot_id = :botId AND e.seq > :seq', { botId, seq })
      .orderBy('e.seq', 'ASC')
      .limit(1000)
      .getMany();
    return rows.map((e) => ({
      botId: e.botId,
      seq: e.seq,
      time: e.time.toISOString(),
      kind: e.kind,
      message: e.message,
      data: e.data,
    }));
  }

  /**
   * The stored events, then the new ones as they come. A Redis message only wakes the stream;
   * the events themselves are read from the table in order after the last one sent, so none is
   * skipped or repeated, and a slow poll covers messages lost while Redis was away.
   */
  events(bot: BotEntity, afterSeq = 0): Observable<MessageEvent> {
    let last = afterSeq;
    const wake = merge(of(0), this.redis.channel(this.redis.key('bots', bot.id, 'events')), interval(3_000));
    return wake.pipe(
      concatMap(() => defer(() => from(this.eventsAfter(bot.id, last)))),
      mergeMap((events) => from(events)),
      concatMap((e) => {
        if (e.seq <= last) return [];
        last = e.seq;
        return [{ type: 'bot-event', id: String(e.seq), data: e } satisfies MessageEvent];
      }),
    );
  }
}
