import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BundleOptions } from '@temporalio/worker';

/**
 * Where the workflows entry is, and how the bundler resolves `@gauntlet/*` inside it. From a
 * build (dist/) the aliases are already rewritten to relative paths; from TypeScript sources
 * (tests) the bundler is told where the contracts live.
 */
export function workflowSource(): {
  workflowsPath: string;
  bundlerOptions?: BundleOptions['webpackConfigHook'] extends never
    ? never
    : Pick<BundleOptions, 'webpackConfigHook'>;
} {
  const compiled = resolve(__dirname, '../../../workflows/src/index.js');
  if (__filename.endsWith('.js') && existsSync(compiled)) return { workflowsPath: compiled };
  const root = resolve(__dirname, '../../..');
  return {
    workflowsPath: resolve(root, 'workflows/src/index.ts'),
    bundlerOptions: {
      webpackConfigHook: (config) => {
        config.resolve = config.resolve ?? {};
        config.resolve.alias = {
          ...(config.resolve.alias as Record<string, string> | undefined),
          '@gauntlet/contracts': resolve(root, 'libs/contracts/src/index.ts'),
        };
        return config;
      },
    },
  };
}
