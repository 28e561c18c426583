import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type GauntletConfig } from '@gauntlet/config';
import { BarsRepository, createDataSource } from '@gauntlet/db';
import { Pool } from 'pg';
import { type DataSource } from 'typeorm';
import { unavailable } from '../../app/common/errors';
import { CONFIG } from '../config/config.module';

/**
 * Owns the TypeORM data source and a raw pg pool for bulk reads. The API starts even when
 * PostgreSQL is down: initialisation retries in the background and requests meanwhile get 503.
 */
@Injectable()
export class DatabaseService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  readonly dataSource: DataSource;
  readonly pool: Pool;
  readonly bars: BarsRepository;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(@Inject(CONFIG) private readonly config: GauntletConfig) {
    this.dataSource = createDataSource({
      url: config.databaseUrl,
      schema: config.databaseSchema,
      applicationName: 'gauntlet-api',
    });
    this.pool = new Pool({
      connectionString: config.databaseUrl,
      max: 4,
      connectionTimeoutMillis: 5_000,
      options: `-c search_path=${config.databaseSchema},public -c TimeZone=UTC`,
    });
    this.pool.on('error', (err) => this.logger.warn(`pg pool: ${err.message}`));
    this.bars = new BarsRepository(this.pool, config.databaseSchema);
  }

  async onModuleInit(): Promise<void> {
    await this.tryInitialize();
  }

  private async tryInitialize(): Promise<void> {
    if (this.closed || this.dataSource.isInitialized) return;
    try {
      await this.dataSource.initialize();
      this.logger.log('PostgreSQL connected');
    } catch (err) {
      this.logger.warn(`PostgreSQL unavailable (${(err as Error).message}); retrying in 2 s`);
      this.retryTimer = setTimeout(() => void this.tryInitialize(), 2_000);
    }
  }

  /** The data source, or a 503 when PostgreSQL has not been reached yet. */
  get ds(): DataSource {
    if (!this.dataSource.isInitialized) throw unavailable('PostgreSQL');
    return this.dataSource;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.pool.end();
  }
}
