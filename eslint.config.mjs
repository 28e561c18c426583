import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const workflowRestrictedImports = [
  'fs',
  'fs/promises',
  'path',
  'os',
  'child_process',
  'http',
  'https',
  'net',
  'crypto',
  'worker_threads',
  'cluster',
  'dgram',
  'dns',
  'tls',
  'process',
].flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '.nx/**',
      '.data/**',
      '.angular/**',
      'tmp/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure', 'type:contracts'] },
            { sourceTag: 'type:workflows', onlyDependOnLibsWithTags: ['type:contracts', 'type:pure'] },
            {
              sourceTag: 'type:infra',
              onlyDependOnLibsWithTags: ['type:infra', 'type:pure', 'type:contracts'],
            },
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui', 'type:contracts'] },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:infra',
                'type:pure',
                'type:contracts',
                'type:workflows',
                'type:ui',
              ],
            },
          ],
        },
      ],
    },
  },
  {
    // The web app and its chart library compile with Angular's settings (bundler resolution, DOM).
    files: ['apps/web/**/*.ts', 'libs/ui/**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: './apps/web/tsconfig.lint.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // Pure libraries are deterministic computation: no I/O, no infrastructure packages.
    files: [
      'libs/contracts/src/**/*.ts',
      'libs/engine/src/**/*.ts',
      'libs/indicators/src/**/*.ts',
      'libs/strategies/src/**/*.ts',
      'libs/metrics/src/**/*.ts',
      'libs/research/src/**/*.ts',
    ],
    // Test helpers may read fixtures from disk; the library code they support may not.
    ignores: ['**/*.spec.ts', '**/*.test-utils.ts', '**/test-utils/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: workflowRestrictedImports.concat(['pg', 'typeorm', 'ioredis', 'bullmq', '@nestjs/common']),
          patterns: ['@temporalio/*', '@nestjs/*'],
        },
      ],
    },
  },
  {
    // Workflow code is replayed: it must be deterministic and free of Node built-ins and I/O.
    files: ['workflows/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.integration-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: workflowRestrictedImports.concat(['pg', 'typeorm', 'ioredis', 'bullmq']),
          patterns: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@nestjs/*'],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the seeded random of @temporalio/workflow.' },
        { object: 'Date', property: 'now', message: 'Workflow time comes from the workflow clock.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() loops from @temporalio/workflow.' },
        { name: 'process', message: 'Workflows cannot read the process environment.' },
        { name: 'fetch', message: 'Workflows do no I/O; call an activity.' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: {
        setInterval: 'readonly',
        clearInterval: 'readonly',
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        fetch: 'readonly',
        AbortSignal: 'readonly',
      },
    },
  },
  prettier,
);
