import { type GauntletConfig } from '@gauntlet/config';
import { BinanceAdapter, BybitAdapter, startSyncWorkers } from '@gauntlet/market-data';
import { type Pool } from 'pg';

/** The BullMQ workers that fetch bars from the exchanges (see docs/market-data.md). */
export function startDataSync(config: GauntletConfig, pool: Pool): { close(): Promise<void> } {
  return startSyncWorkers({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    pool,
    schema: config.databaseSchema,
    adapters: {
      bybit: new BybitAdapter({
        baseUrl: config.bybitBaseUrl,
        requestsPerMinute: config.bybitRequestsPerMinute,
      }),
      binance: new BinanceAdapter({
        baseUrl: config.binanceBaseUrl,
        futuresBaseUrl: config.binanceFuturesBaseUrl,
        requestsPerMinute: config.binanceRequestsPerMinute,
      }),
    },
  });
}
