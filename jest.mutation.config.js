/**
 * The tests that judge the engine and the rules on templates, without CDK synthesis: what a
 * mutation run (stryker.config.json) runs for each mutant. The full suite covers the same code
 * through synthesized apps, at a hundred times the cost per run.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  // the fuzz (no crash, no false error) is left out: it runs every rule 20,000 times, minutes per mutant
  testMatch: [
    '**/test/engine-rules.test.ts', '**/test/engine-patterns.test.ts', '**/test/engine-mutants.test.ts',
    '**/test/corpus.test.ts', '**/test/evaluate.test.ts',
  ],
};
