/**
 * The tests of the engine and the rules (test/check/engine, test/check/rules, the corpus): what a
 * mutation run (stryker.config.json) runs for each mutant. The rules' files start with their CDK
 * app cases, synthesized once per file; the adapters, outputs and the fuzz are left out.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  // the fuzz (no crash, no false error) is left out: it runs every rule 20,000 times, minutes per mutant
  testMatch: [
    '**/test/check/engine/**/*.test.ts', '**/test/check/rules/*.test.ts', '**/test/check/corpus.test.ts',
  ],
};
