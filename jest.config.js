/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type-checking happens in `npm run build`; here ts-jest only transpiles (isolatedModules).
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 120000,
  // Every core runs test files. Jest's default leaves one for its main process, which only waits:
  // on CI's 2 cores that is one worker. Measured on 2 cores, quiet, 77 files: 217.6 s with the
  // default, 150.5 s with both (jest's own Time; tsc before it adds about 12 s to npm test).
  maxWorkers: '100%',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
};
