import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type GauntletConfig } from '@gauntlet/config';
import { WebhookDeliveryEntity, WebhookEntity } from '@gauntlet/db';
import {
  CredentialCipher,
  ENCRYPTION_KEY_VAR,
  type NotificationKind,
  NotificationQueue,
  SUBSCRIBABLE_KINDS,
} from '@gauntlet/trading';
import { type FieldError } from '@gauntlet/contracts';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode, notFound, unavailable, validationError } from '../common/errors';
import {
  type CreatedWebhookDto,
  type CreateWebhookRequestDto,
  type WebhookDeliveryDto,
  type WebhookDto,
  type WebhookTestDto,
} from './webhooks.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DELIVERIES_SHOWN = 100;
const REDIS_WAIT_MS = 5_000;

function checkUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `must use http or https, not ${url.protocol}`;
  // Credentials in the address would be stored and shown in clear; the signature authenticates.
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  return null;
}

@Injectable()
export class WebhooksService implements OnApplicationShutdown {
  private readonly cipher: CredentialCipher;
  private queue: NotificationQueue | undefined;

  constructor(
    private readonly db: DatabaseService,
    @Inject(CONFIG) private readonly config: GauntletConfig,
  ) {
    this.cipher = CredentialCipher.fromEnv({ ...process.env, [ENCRYPTION_KEY_VAR]: config.encryptionKey });
  }

  private get notifications(): NotificationQueue {
    this.queue ??= new NotificationQueue({
      redisUrl: this.config.redisUrl,
      prefix: this.config.redisPrefix,
      pool: this.db.pool,
      schema: this.config.databaseSchema,
    });
    return this.queue;
  }

  private toDto(w: WebhookEntity): WebhookDto {
    return {
      id: w.id,
      ownerId: w.ownerId,
      url: w.url,
      events: w.events as NotificationKind[],
      active: w.active,
      disabledReason: w.disabledReason,
      createdAt: w.createdAt.toISOString(),
    };
  }

  async create(user: AuthUser, req: CreateWebhookRequestDto): Promise<CreatedWebhookDto> {
    const errors: FieldError[] = [];
    const urlProblem = checkUrl(req.url);
    if (urlProblem) errors.push({ field: 'url', reason: urlProblem });
    req.events.forEach((kind, i) => {
      if (!SUBSCRIBABLE_KINDS.includes(kind as NotificationKind))
        errors.push({ field: `events[${i}]`, reason: `must be one of ${SUBSCRIBABLE_KINDS.join(', ')}` });
    });
    if (errors.length > 0) throw validationError(errors);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const repo = this.db.ds.getRepository(WebhookEntity);
    const saved = await repo.save(
      repo.create({
        ownerId: user.id,
        url: req.url,
        secretEncrypted: this.cipher.encrypt(secret),
        events: [...new Set(req.events)],
        active: true,
        disabledReason: null,
      }),
    );
    return { ...this.toDto(saved), secret };
  }

  async list(user: AuthUser): Promise<WebhookDto[]> {
    const rows = await this.db.ds.getRepository(WebhookEntity).find({
      where: user.role === 'admin' ? {} : { ownerId: user.id },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
    return rows.map((w) => this.toDto(w));
  }

  /** A webhook the user owns (admins: any); others' are reported as absent. */
  private async findVisible(user: AuthUser, id: string): Promise<WebhookEntity> {
    const w = UUID.test(id) ? await this.db.ds.getRepository(WebhookEntity).findOneBy({ id }) : null;
    if (!w || (w.ownerId !== user.id && user.role !== 'admin')) throw notFound('Webhook', id);
    return w;
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    const w = await this.findVisible(user, id);
    await this.db.ds.getRepository(WebhookEntity).delete({ id: w.id });
  }

  async deliveries(user: AuthUser, id: string): Promise<WebhookDeliveryDto[]> {
    const w = await this.findVisible(user, id);
    const rows = await this.db.ds.getRepository(WebhookDeliveryEntity).find({
      where: { webhookId: w.id },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: DELIVERIES_SHOWN,
    });
    return rows.map((d) => ({
      eventId: d.eventId,
      kind: d.kind as NotificationKind,
      status: d.status,
      attempts: d.attempts,
      responseStatus: d.responseStatus,
      lastError: d.lastError,
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
    }));
  }

  async test(user: AuthUser, id: string): Promise<WebhookTestDto> {
    const w = await this.findVisible(user, id);
    if (!w.active)
      throw new DomainError(
        ErrorCode.Conflict,
        `webhook ${id} is disabled (${w.disabledReason ?? 'inactive'}); create it again to resume deliveries`,
      );
    // Each ping is a new event, so pressing "test" twice sends two.
    const eventId = `test:${w.id}:${randomUUID()}`;
    const enqueue = this.notifications.enqueue(
      {
        id: eventId,
        kind: 'test',
        ownerId: w.ownerId,
        occurredAt: new Date().toISOString(),
        data: { webhookId: w.id, message: 'A test notification from Gauntlet' },
      },
      { webhookId: w.id },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer from Redis')), REDIS_WAIT_MS);
    });
    try {
      await Promise.race([enqueue, timeout]);
    } catch (e) {
      throw unavailable('Redis', e);
    } finally {
      clearTimeout(timer);
    }
    return { eventId };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
  }
}
