import { type GauntletConfig } from '@gauntlet/config';
import {
  BinanceAdapter,
  BybitAdapter,
  SharedRateLimiter,
  rateLimitKey,
  startSyncWorkers,
} from '@gauntlet/market-data';
import { Redis } from 'ioredis';
import { type Pool } from 'pg';

/**
 * The BullMQ workers that fetch bars from the exchanges (see docs/market-data.md). Each venue's
 * request budget lives in Redis, so every worker process (and the CLI) draws from the same one.
 */
export function startDataSync(config: GauntletConfig, pool: Pool): { close(): Promise<void> } {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  const limiter = (venue: string, perMinute: number): SharedRateLimiter =>
    new SharedRateLimiter(redis, rateLimitKey(config.redisPrefix, venue), perMinute);
  const workers = startSyncWorkers({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    pool,
    schema: config.databaseSchema,
    adapters: {
      bybit: new BybitAdapter({
        baseUrl: config.bybitBaseUrl,
        limiter: limiter('bybit', config.bybitRequestsPerMinute),
      }),
      binance: new BinanceAdapter({
        baseUrl: config.binanceBaseUrl,
        futuresBaseUrl: config.binanceFuturesBaseUrl,
        limiter: limiter('binance', config.binanceRequestsPerMinute),
      }),
    },
  });
  return {
    async close() {
      await workers.close();
      redis.disconnect();
    },
  };
}
