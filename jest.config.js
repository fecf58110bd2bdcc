// Jest in native ESM mode (NestJS 12 is ESM-only): run through
// `node --experimental-vm-modules` (npm test does). ts-jest does not type-check here:
// `npm test` runs `tsc -p tsconfig.test.json` first.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.cjs'],
  maxWorkers: 2,
  testTimeout: 30_000,
  // Each e2e file builds its own app on its own database.
  slowTestThreshold: 20,
};
