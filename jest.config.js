/**
 * Three tiers, each a Jest project (`npm run test:unit`, `test:integration`, `test:e2e`; `npm test` runs all):
 * - unit: no infrastructure at all (no PostgreSQL, no Temporal server, no browser); runs in seconds.
 *   Tests next to their code in domain/, lib/ and config/, plus the pure files listed in UNIT_TESTS.
 * - integration: real PostgreSQL (global setup) and Temporal servers; every other test under test/.
 * - e2e: the desk driven from outside (browser, Compose, schemathesis, chaos, the verify CLI) and the
 *   slow durability runs that restart processes.
 * A new test under test/ is an integration test unless listed here.
 */

/** Pure tests under test/: they read files and call functions, nothing more. */
const UNIT_TESTS = [
  'test/bench-stats.test.ts',
  'test/env.test.ts',
  'test/notification-templates.test.ts',
  'test/production-dependencies.test.ts',
  'test/pages/templates.test.ts',
  'test/workflows/replay.test.ts',
];

const E2E_TESTS = [
  'test/browser/**/*.test.ts',
  'test/compose.test.ts',
  'test/fuzz/**/*.test.ts',
  'test/chaos.test.ts',
  'test/verify.test.ts',
  'test/api/stuck-tickets.test.ts',
  'test/api/temporal-restart.test.ts',
];

const COLOCATED = ['domain', 'lib', 'config', 'api', 'activities', 'workflows', 'db', 'worker'].map(
  (dir) => `<rootDir>/${dir}/**/*.test.ts`,
);
const at = (paths) => paths.map((p) => `<rootDir>/${p}`);

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
};

/** PostgreSQL (a migrated template database) and the Temporal binaries, for the tiers that use them. */
const infrastructure = {
  setupFiles: [...common.setupFiles, '<rootDir>/test/support/setup-temporal-logging.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  // The bench and CI machines have 2 cores; each integration file runs its own servers.
  maxWorkers: 2,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [...COLOCATED, ...at(UNIT_TESTS)],
    },
    {
      ...common,
      ...infrastructure,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...[...UNIT_TESTS, ...E2E_TESTS].map(toPattern)],
    },
    {
      ...common,
      ...infrastructure,
      displayName: 'e2e',
      testMatch: at(E2E_TESTS),
    },
  ],
};

/** A path or `dir/**` glob as an ignore regex. */
function toPattern(glob) {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return `<rootDir>/${escaped.replace('/**/*\\.test\\.ts', '/')}`;
}
