// Seeds the demo data set and the first admin. Idempotent: a second run changes nothing.
import { createHash } from 'node:crypto';
import { type GauntletConfig, DEV_ADMIN_PASSWORD, loadConfig } from '@gauntlet/config';

import {
  DEMO_DATA_VERSION,
  DEMO_INSTRUMENT_ID,
  DEMO_SYNTHETIC_OPTIONS,
  generateSyntheticBars,
} from '@gauntlet/market-data';
import { Pool } from 'pg';
import { BarsRepository, createDataSource, hashPassword, UserEntity } from '@gauntlet/db';

export function demoDataVersion(): string {
  const options = JSON.stringify(DEMO_SYNTHETIC_OPTIONS, Object.keys(DEMO_SYNTHETIC_OPTIONS).sort());
  return `${DEMO_DATA_VERSION}-${createHash('sha256').update(options).digest('hex').slice(0, 16)}`;
}

export async function seedDemoData(
  config: GauntletConfig,
  log: (m: string) => void = console.log,
): Promise<void> {
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: 2,
    options: `-c search_path=${config.databaseSchema},public -c TimeZone=UTC`,
  });
  const version = demoDataVersion();
  try {
    const existing = await pool.query<{ data_version: string }>(
      `SELECT data_version FROM instruments WHERE id = $1`,
      [DEMO_INSTRUMENT_ID],
    );
    if (existing.rows[0]?.data_version === version) {
      log(`demo data ${DEMO_INSTRUMENT_ID} already seeded (${version})`);
      return;
    }
    const started = performance.now();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO instruments (id, exchange, symbol, kind, quote_currency, tick_size, lot_size, data_version)
         VALUES ($1, 'demo', 'BTCUSDT', 'spot', 'USDT', 0.01, 0.00001, $2)
         ON CONFLICT (id) DO UPDATE SET data_version = EXCLUDED.data_version, updated_at = now()`,
        [DEMO_INSTRUMENT_ID, version],
      );
      const rows = await new BarsRepository(pool, config.databaseSchema).copyIn(
        client,
        DEMO_INSTRUMENT_ID,
        generateSyntheticBars({ ...DEMO_SYNTHETIC_OPTIONS }),
      );
      await client.query('COMMIT');
      log(
        `seeded ${rows} bars of ${DEMO_INSTRUMENT_ID} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
}

export async function ensureAdmin(
  config: GauntletConfig,
  log: (m: string) => void = console.log,
): Promise<void> {
  const ds = createDataSource({ url: config.databaseUrl, schema: config.databaseSchema, poolSize: 1 });
  await ds.initialize();
  try {
    const repo = ds.getRepository(UserEntity);
    if ((await repo.countBy({ role: 'admin' })) > 0) return;
    await repo.save(
      repo.create({
        email: config.adminEmail,
        passwordHash: await hashPassword(config.adminPassword),
        role: 'admin',
      }),
    );
    const shown =
      config.adminPassword === DEV_ADMIN_PASSWORD
        ? ` with the development password "${DEV_ADMIN_PASSWORD}"`
        : '';
    log(`created the first admin ${config.adminEmail}${shown}`);
  } finally {
    await ds.destroy();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  await ensureAdmin(config);
  if (!process.argv.includes('--no-demo')) await seedDemoData(config);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`seed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
