import { Logger } from '@nestjs/common';
import { loadConfig } from '@gauntlet/config';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp();
  await app.listen(config.apiPort, '0.0.0.0');
  Logger.log(`API listening on ${config.apiBaseUrl}/api (docs at /api/docs)`, 'Gauntlet');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
