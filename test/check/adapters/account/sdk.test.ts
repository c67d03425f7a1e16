import { execFileSync } from 'child_process';
import * as path from 'path';
import { AccountSetupError, INSTALL_LINE, loadService } from '../../../../lib/check/adapters/account/sdk';

describe('the AWS SDK clients', () => {
  test('the account reader loads no AWS SDK package until a reading calls AWS', () => {
    // GIVEN the reader as compiled by `npm test`'s tsc step, in a fresh process
    const reader = path.join(__dirname, '..', '..', '..', '..', 'build', 'lib', 'check', 'adapters', 'account', 'index.js');
    const script = `const account = require(${JSON.stringify(reader)});
      const caller = new account.Caller({ region: 'us-east-1' });
      const loaded = () => [...new Set(Object.keys(require.cache).filter((k) => k.includes('node_modules/@aws-sdk/')).map((k) => k.split('node_modules/').pop().split('/').slice(0, 2).join('/')))].sort();
      const before = loaded();
      caller.call('eks', 'DescribeCluster', { name: 'x' }, 'x').catch(() => {}).finally(() => {
        process.stdout.write(JSON.stringify({ before, after: loaded() }));
        process.exit(0);
      });`;
    // WHEN it is loaded and a Caller made, then one call started (no credentials: it fails, which does not matter here)
    const env = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
    const { before, after } = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] }));
    // THEN nothing of the SDK was loaded before the call, and only then the client it needed
    expect(before).toEqual([]);
    expect(after).toContain('@aws-sdk/client-eks');
    expect(after).not.toContain('@aws-sdk/client-ec2');
  });

  test('refuses to start without a client package, in one line naming the install command', () => {
    // GIVEN a require that finds no @aws-sdk/client-ec2, as in a project that did not install it
    const missing = (name: string) => {
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    };
    // THEN the reader stops with the line that says what to run
    expect(() => loadService('ec2', { region: 'us-east-1' }, missing)).toThrow(AccountSetupError);
    expect(() => loadService('ec2', { region: 'us-east-1' }, missing)).toThrow(
      'reading the account needs the AWS SDK clients, and @aws-sdk/client-ec2 is not installed: run npm install -D @aws-sdk/client-ec2 @aws-sdk/client-eks @aws-sdk/client-route53resolver @aws-sdk/client-iam');
    expect(INSTALL_LINE).toBe('npm install -D @aws-sdk/client-ec2 @aws-sdk/client-eks @aws-sdk/client-route53resolver @aws-sdk/client-iam');
  });
});
