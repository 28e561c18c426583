import { type GauntletConfig } from '@gauntlet/config';
import {
  BinanceAdapter,
  BybitAdapter,
  type ExchangeAdapter,
  SharedRateLimiter,
  rateLimitKey,
  startSyncWorkers,
} from '@gauntlet/market-data';
import { Redis } from 'ioredis';
import { type Pool } from 'pg';

/**
 * The BullMQ workers that fetch bars from the exchanges (see docs/market-data.md). Each venue's
 * request budget lives in Redis, so every worker process (and the CLI) draws from the same one.
 * The adapters are also what live bot feeds top the store up with.
 */
export function startDataSync(
  config: GauntletConfig,
  pool: Pool,
): { adapters: Record<string, ExchangeAdapter>; close(): Promise<void> } {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  const limiter = (venue: string, perMinute: number): SharedRateLimiter =>
    new SharedRateLimiter(redis, rateLimitKey(config.redisPrefix, venue), perMinute);
  const adapters = {
    bybit: new BybitAdapter({
      baseUrl: config.bybitBaseUrl,
      limiter: limiter('bybit', config.bybitRequestsPerMinute),
    }),
    binance: new BinanceAdapter({
      baseUrl: config.binanceBaseUrl,
      futuresBaseUrl: config.binanceFuturesBaseUrl,
      limiter: limiter('binance', config.binanceRequestsPerMinute),
    }),
  };
  const workers = startSyncWorkers({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    pool,
    schema: config.databaseSchema,
    adapters,
  });
  return {
    adapters,
    async close() {
      await workers.close();
      redis.disconnect();
    },
  };
}
