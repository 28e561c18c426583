#!/usr/bin/env node
// `npm start`: everything a researcher needs, from a fresh clone, in one command.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureDependencies, launch, must, root, step, waitForHttp } from './lib/proc.mjs';

const started = Date.now();
ensureDependencies();
const { ensureStack } = await import('./stack.mjs');
step('Starting PostgreSQL, Redis and the Temporal dev server');
await ensureStack();
build();
step('Migrating the database');
must(process.execPath, ['dist/migrations/src/cli.js', 'migrate']);
step('Seeding the demo data and the first admin');
must(process.execPath, ['dist/tools/seed/src/main.js']);

const apiPort = process.env.API_PORT ?? '3000';
const webPort = process.env.WEB_PORT ?? '4200';
const temporalUi = process.env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
// The worker and the API fill large arrays (bars, equity curves); glibc backs them with
// transparent huge pages when asked, which cuts first-touch page faults. The worker, which runs
// backtest after backtest, also has glibc serve blocks up to 128 MB from its heap and keep up to
// 256 MB freed there, so a run reuses the memory the previous one freed instead of mapping,
// faulting in and unmapping tens of megabytes (docs/performance.md).
const HUGE_PAGES = 'glibc.malloc.hugetlb=1';
const API_ENV = { GLIBC_TUNABLES: process.env.GLIBC_TUNABLES ?? HUGE_PAGES };
const WORKER_ENV = {
  GLIBC_TUNABLES:
    process.env.GLIBC_TUNABLES ??
    `${HUGE_PAGES}:glibc.malloc.mmap_threshold=134217728:glibc.malloc.trim_threshold=268435456`,
};
step('Starting the API, the worker and the web app');
const children = [
  launch('api', process.execPath, ['dist/apps/api/src/main.js'], API_ENV),
  launch('worker', process.execPath, ['dist/apps/worker/src/main.js'], WORKER_ENV),
];
const hasWeb = existsSync(join(root, 'apps/web/project.json'));
if (hasWeb) {
  children.push(
    launch(
      'web',
      join(root, 'node_modules/.bin/ng'),
      [
        'serve',
        'web',
        '--port',
        webPort,
        '--host',
        '127.0.0.1',
        '--proxy-config',
        'apps/web/proxy.conf.json',
      ],
      {
        NG_CLI_ANALYTICS: 'false',
      },
    ),
  );
}
const shutdown = () => {
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

await waitForHttp(`http://127.0.0.1:${apiPort}/api/health`, 120_000, [200, 503]);
if (hasWeb)
  await waitForHttp(`http://127.0.0.1:${webPort}/`, 300_000).catch((e) => console.error(`web: ${e.message}`));
const lines = [
  `Gauntlet is up in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  ...(hasWeb ? [`  Web app         http://127.0.0.1:${webPort}`] : []),
  `  API docs        http://127.0.0.1:${apiPort}/api/docs`,
  `  OpenAPI         http://127.0.0.1:${apiPort}/api/openapi.json`,
  `  Health          http://127.0.0.1:${apiPort}/api/health`,
  `  Temporal Web UI ${temporalUi}`,
  `Press Ctrl+C to stop the API, worker and web app (npm run stack:down stops the services).`,
];
console.log('\n' + lines.join('\n') + '\n');
