import { loadConfig, taskQueue } from '@gauntlet/config';
import { BarsRepository, createDataSource } from '@gauntlet/db';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { BarCache } from './activities/bar-cache';
import { createBacktestActivities } from './activities/backtest.activities';
import { createMonteCarloActivities } from './activities/monte-carlo.activities';
import { ProgressPublisher } from './activities/progress-publisher';
import { createSweepActivities } from './activities/sweep.activities';
import { createWalkForwardActivities } from './activities/walk-forward.activities';
import { createScheduleActivities } from './activities/schedule.activities';
import { createBotActivities } from './activities/bot.activities';
import { BotEventPublisher } from './activities/bot-events';
import { createGraduationActivities } from './activities/graduation.activities';
import { defaultBotNotifier, lazyBotNotifier } from './activities/bot-notify';
import { startDataSync } from './data/data-sync';
import { exchangeLiveBars } from './data/live-bars';
import { createEngineRunner } from './engine-runner';
import { workflowSource } from './workflow-bundle';
import { CredentialCipher, ENCRYPTION_KEY_VAR, NotificationWorker } from '@gauntlet/trading';

const log = (msg: string): void => console.log(`[worker] ${new Date().toISOString()} ${msg}`);

async function retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      log(`${what} unavailable (${(err as Error).message}); retry ${attempt} in 2 s`);
      await sleep(2_000);
    }
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const dataSource = createDataSource({
    url: config.databaseUrl,
    schema: config.databaseSchema,
    applicationName: 'gauntlet-worker',
  });
  await retry('PostgreSQL', () => dataSource.initialize());
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: 4,
    options: `-c search_path=${config.databaseSchema},public -c TimeZone=UTC`,
  });
  pool.on('error', (err) => log(`pg pool: ${err.message}`));
  const redis = new Redis(config.redisUrl, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectionName: 'gauntlet-worker',
  });
  redis.on('error', () => undefined);
  const runner = createEngineRunner(config.engineThreads);

  const bars = new BarsRepository(pool, config.databaseSchema);
  const activityDeps = {
    dataSource,
    bars,
    runner,
    progress: new ProgressPublisher(redis, config.redisPrefix),
    barCache: new BarCache((range) => bars.load(range), runner),
  };

  const dataSync = startDataSync(config, pool);
  const notifications = new NotificationWorker({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    pool,
    schema: config.databaseSchema,
    cipher: CredentialCipher.fromEnv({ ...process.env, [ENCRYPTION_KEY_VAR]: config.encryptionKey }),
  });

  // Bots and graduations hand their outbox to the notification queue through one connection.
  const botNotifier = lazyBotNotifier(() => defaultBotNotifier(dataSource));

  const connection = await retry('Temporal', () =>
    NativeConnection.connect({ address: config.temporalAddress }),
  );
  // The workflows are bundled once and served on both task queues.
  const source = workflowSource();
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: source.workflowsPath,
    ...(source.bundlerOptions ?? {}),
    logger: new DefaultLogger('WARN'),
  });
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: taskQueue(config, 'research'),
    workflowBundle,
    activities: {
      ...createBacktestActivities(activityDeps),
      ...createSweepActivities(activityDeps),
      ...createMonteCarloActivities(activityDeps),
      ...createWalkForwardActivities(activityDeps),
      ...createScheduleActivities(activityDeps),
    },
    maxConcurrentActivityTaskExecutions: 8,
    // An activity learns that it was cancelled from the reply to a heartbeat it sends; without a
    // cap, heartbeats reach the server only every 0.8 × heartbeat timeout (24 s for a batch), so
    // a cancelled sweep could wait that long for its batches to stop.
    maxHeartbeatThrottleInterval: '2 seconds',
  });
  // Bots and graduations have a task queue of their own, so a step never waits behind a sweep's
  // batches for an activity slot.
  const trading = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: taskQueue(config, 'trading'),
    workflowBundle,
    activities: {
      ...createBotActivities({
        ...activityDeps,
        events: new BotEventPublisher(redis, config.redisPrefix),
        notifications: botNotifier,
        liveBars: exchangeLiveBars(pool, config.databaseSchema, dataSync.adapters),
      }),
      ...createGraduationActivities({ ...activityDeps, notifications: botNotifier }),
    },
    maxConcurrentActivityTaskExecutions: 32,
  });
  log(
    `polling task queues ${taskQueue(config, 'research')} and ${taskQueue(config, 'trading')} at ${config.temporalAddress}`,
  );
  const stop = (): void => {
    worker.shutdown();
    trading.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await Promise.all([worker.run(), trading.run()]);
  await dataSync.close();
  await notifications.close();
  await botNotifier.close();
  await runner.close();
  await connection.close();
  redis.disconnect();
  await pool.end();
  await dataSource.destroy();
  log('stopped');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
