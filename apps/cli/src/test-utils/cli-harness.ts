import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ComputePool } from '@gauntlet/compute';
import { type CliDeps, run } from '../cli';

/** `../shared` beside the repository root. */
export const SHARED = resolve(__dirname, '..', '..', '..', '..', '..', 'shared');
export const hasShared = existsSync(SHARED);

/** Runs the threads from TypeScript sources (see libs/compute/src/test-utils/ts-worker.js). */
export const TS_WORKER = resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'libs',
  'compute',
  'src',
  'test-utils',
  'ts-worker.js',
);

export const testDeps: CliDeps = {
  createPool: (size) => new ComputePool({ size, workerScript: TS_WORKER }),
};

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command line in this process with captured output. */
export async function cli(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    argv,
    {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
    },
    testDeps,
  );
  return { code, stdout, stderr };
}

export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}
