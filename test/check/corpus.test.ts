import * as path from 'path';
import { analyze } from '../../lib/check/engine/analyze';
import { loadInputs } from '../../lib/check/engine/read/load';
import { ASPECT_RULES } from '../../lib/check/adapters/rule-sets';
import { CORPUS } from '../corpus/cases';

/**
 * Real-world patterns (test/corpus/cases.ts names the public file each comes from): each case
 * reads without a crash and gets the verdict AWS's documentation gives. The check runs as the
 * CLI runs it, on the templates given together.
 */
const RULES = ASPECT_RULES;

describe('the corpus of real-world patterns', () => {
  test('has at least 15 cases, each naming its public source', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(15);
    for (const c of CORPUS) expect(c.source).toMatch(/https:\/\/github\.com\//);
  });

  test.each(CORPUS.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const findings = analyze(loadInputs(c.files.map((f) => path.join(__dirname, '..', 'corpus', f))), RULES);
    const errors = [...new Set(findings.filter((f) => f.level === 'error').map((f) => f.ruleId))].sort();
    expect(errors).toEqual([...c.errors].sort());
    expect(findings.filter((f) => f.level === 'error' && !f.verified)).toEqual([]);
    const unverified = new Set(findings.filter((f) => !f.verified).map((f) => f.ruleId));
    if (c.complete) expect(findings.filter((f) => !f.verified).map((f) => f.message)).toEqual([]);
    for (const id of c.notVerifiable ?? []) expect([id, unverified.has(id)]).toEqual([id, true]);
    const warnings = new Set(findings.filter((f) => f.level === 'warning' && f.verified).map((f) => f.ruleId));
    for (const id of c.warnings ?? []) expect([id, warnings.has(id)]).toEqual([id, true]);
  });
});
