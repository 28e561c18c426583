import { DataSource, type MigrationInterface } from 'typeorm';
import { ENTITIES } from './entities';

export interface DataSourceOptions {
  url: string;
  schema: string;
  migrations?: Array<new () => MigrationInterface>;
  poolSize?: number;
  applicationName?: string;
}

/**
 * The one TypeORM data source factory. `synchronize` is always off: the schema is whatever the
 * migrations say. The schema name is put on the search path so raw SQL and entities agree,
 * which is how each integration suite gets a schema of its own.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: ENTITIES,
    migrations: options.migrations ?? [],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'gauntlet',
      options: `-c search_path=${options.schema},public -c TimeZone=UTC`,
      connectionTimeoutMillis: 5_000,
    },
  });
}
