// `node dist/migrations/src/cli.js migrate|revert|reset|status` (via npm run db:*).
import { loadConfig } from '@gauntlet/config';
import { createDataSource } from '@gauntlet/db';
import { Client } from 'pg';
import { MIGRATIONS } from './index';

export async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}

async function main(command: string): Promise<void> {
  const config = loadConfig();
  await ensureSchema(config.databaseUrl, config.databaseSchema);
  const ds = createDataSource({
    url: config.databaseUrl,
    schema: config.databaseSchema,
    migrations: MIGRATIONS,
    poolSize: 1,
  });
  await ds.initialize();
  try {
    switch (command) {
      case 'migrate': {
        const ran = await ds.runMigrations({ transaction: 'each' });
        console.log(ran.length ? `applied ${ran.map((m) => m.name).join(', ')}` : 'schema is up to date');
        break;
      }
      case 'revert':
        await ds.undoLastMigration({ transaction: 'each' });
        console.log('reverted the last migration');
        break;
      case 'reset': {
        while (
          (await ds.query(`SELECT to_regclass('migrations') IS NOT NULL AS ok`))[0].ok &&
          Number((await ds.query(`SELECT count(*) AS n FROM migrations`))[0].n) > 0
        ) {
          await ds.undoLastMigration({ transaction: 'each' });
        }
        const ran = await ds.runMigrations({ transaction: 'each' });
        console.log(`reset: applied ${ran.length} migrations`);
        break;
      }
      case 'status': {
        const pending = await ds.showMigrations();
        console.log(pending ? 'migrations pending' : 'schema is up to date');
        break;
      }
      default:
        throw new Error(`unknown command "${command}" (migrate, revert, reset, status)`);
    }
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  main(process.argv[2] ?? 'migrate').catch((err: unknown) => {
    console.error(`db: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
