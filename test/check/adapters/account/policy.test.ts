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
