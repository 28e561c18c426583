import { ApiKeyEntity } from './api-key.entity';
import { BacktestResultEntity } from './backtest-result.entity';
import { InstrumentEntity } from './instrument.entity';
import { JobEntity } from './job.entity';
import { UserEntity } from './user.entity';
import { BotEntity, BotEventEntity, BotFillEntity, BotOrderEntity, PaperVenueEntity } from './bot.entities';
import { VenueAccountEntity } from './venue-account.entity';
import { WebhookDeliveryEntity, WebhookEntity } from './webhook.entities';

export { ApiKeyEntity, BacktestResultEntity, InstrumentEntity, JobEntity, UserEntity };

export const ENTITIES = [
  UserEntity,
  ApiKeyEntity,
  InstrumentEntity,
  JobEntity,
  BacktestResultEntity,
  BotEntity,
  BotOrderEntity,
  BotFillEntity,
  BotEventEntity,
  PaperVenueEntity,
  VenueAccountEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
];
export * from './bot.entities';
export * from './venue-account.entity';
export * from './webhook.entities';
