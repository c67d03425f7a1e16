import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULES } from '../lib/check/rules';

const RULES_MD = fs.readFileSync(path.join(__dirname, '..', 'docs', 'RULES.md'), 'utf8');

describe('docs/RULES.md', () => {
  test.each(ALL_RULES.map((r) => [r.id, r] as const))('documents %s with its level, where it runs, why and how to fix', (id, rule) => {
    const row = new RegExp(`^\\| \\[${id}\\]\\(#${id.toLowerCase()}\\) \\| ${rule.level} \\| ${rule.runsIn === 'both' ? 'yes' : 'no'} \\| yes \\|$`, 'm');
    expect(RULES_MD).toMatch(row);
    const section = RULES_MD.split(/^## /m).find((s) => s.startsWith(`${id}\n`));
    expect(section).toBeDefined();
    expect(section).toContain(`**Level:** ${rule.level}`);
    for (const part of ['**Checks:**', '**Why.**', '**Fix.**', 'https://docs.aws.amazon.com/']) {
      expect(section).toContain(part);
    }
  });

  test('lists no rule that does not exist', () => {
    const documented = [...RULES_MD.matchAll(/^## (\w+)$/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
  });
});
