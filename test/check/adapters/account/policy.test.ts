import { READ_ACTIONS, readPolicy } from '../../../../lib/check/adapters/account/policy';

/** That READ_ACTIONS is exactly what the reader calls is tested against moto in read-cluster.test.ts. */
describe('readPolicy', () => {
  test('one statement allowing exactly READ_ACTIONS on every resource, in IAM\'s policy grammar', () => {
    expect(readPolicy()).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'CdkEksEndpointReadOnly', Effect: 'Allow', Action: [...READ_ACTIONS], Resource: '*' }],
    });
  });

  test('only read actions: Describe, Get and List, and none that returns secrets or objects', () => {
    expect(READ_ACTIONS.filter((a) => !/^(ec2|eks|iam|route53resolver):(Describe|Get|List)[A-Za-z]+$/.test(a))).toEqual([]);
    expect(READ_ACTIONS).not.toContain('ec2:DescribeVpnConnections'); // its answer holds the tunnels' pre-shared keys
    expect(READ_ACTIONS).not.toContain('ec2:DescribeLaunchTemplateVersions'); // launch template data may hold user data
    expect(READ_ACTIONS.filter((a) => /GetObject|GetSecretValue|GetParameter|Decrypt/.test(a))).toEqual([]);
    expect(new Set(READ_ACTIONS).size).toBe(READ_ACTIONS.length);
  });
});

describe('docs/SECURITY.md, "Reading the account"', () => {
  test('its table lists exactly READ_ACTIONS', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const text: string = require('fs').readFileSync(require('path').join(__dirname, '..', '..', '..', '..', 'docs', 'SECURITY.md'), 'utf8');
    const section = text.split(/^## /m).find((s) => s.startsWith('Reading the account\n'))!;
    const listed = [...section.matchAll(/^ {2}\| [^|]+ \| (.+) \|$/gm)].flatMap((m) => [...m[1].matchAll(/`([a-z0-9]+:[A-Za-z]+)`/g)].map((a) => a[1]));
    expect(listed.sort()).toEqual([...READ_ACTIONS].sort());
  });
});
