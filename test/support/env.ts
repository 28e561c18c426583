import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');
export const sharedDir = resolve(repoRoot, '..', 'shared');

/** A name unique to this test run, safe as a schema name, key prefix and task-queue prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export function testDatabaseUrl(): string {
  return process.env['DATABASE_URL'] ?? 'postgres://gauntlet:gauntlet@127.0.0.1:5432/gauntlet_test';
}

/** The Temporal CLI binary the stack scripts found or built. */
export function temporalBinary(): string {
  const candidates = [
    process.env['TEMPORAL_BINARY'],
    resolve(
      process.env['XDG_CACHE_HOME'] ?? resolve(process.env['HOME'] ?? '/root', '.cache'),
      'gauntlet/bin/temporal',
    ),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(`no Temporal CLI binary (looked at ${candidates.join(', ')}); run npm run stack:up`);
  return found;
}

export function requireBuild(): void {
  if (!existsSync(resolve(repoRoot, 'dist/apps/api/src/main.js'))) {
    throw new Error('dist/ is missing: integration tests run the built API and worker; run npm run build');
  }
}
