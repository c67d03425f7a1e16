import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ACCOUNT_CONTEXT_PREFIX } from '../../../lib/check/adapters/account-context';
import { READ_ACTIONS } from '../../../lib/check/adapters/account/policy';
import { INSTALL_LINE } from '../../../lib/check/adapters/account/sdk';
import { aspectCheck, byRule } from '../../support/apps';
import { lines, runCli } from '../../support/cli';
import { BuiltNetwork, describeWithMoto, Moto, privateClusterNetwork, sdkClients, startMoto } from '../../support/moto';
import { testApp } from '../../support/util';

/**
 * The commands that read an account (adapters/account-commands.ts), run as users run them: the
 * command line in a process of its own (the compiled source in build/, as test/check/adapters/cli.test.ts
 * runs it), against moto's server mode through the SDK's own `AWS_ENDPOINT_URL`, with dummy
 * credentials. One emulator and one network for the file.
 */

const root = path.join(__dirname, '..', '..', '..');
const cli = path.join(root, 'build', 'lib', 'check', 'adapters', 'cli.js');

/** The environment of a user with credentials for the emulator, and nothing else of this machine's AWS set-up. */
function awsEnv(moto: Moto | undefined, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // the SDK's Node.js 20 warning off, as for every test (test/support/setup-env.ts)
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: os.tmpdir(), AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  if (moto) Object.assign(env, { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function command(env: NodeJS.ProcessEnv, cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath,
    ['-e', `Promise.resolve(require(${JSON.stringify(cli)}).main(process.argv.slice(1))).then((code) => { process.exitCode = code; });`, '--', ...args],
    { encoding: 'utf8', cwd, env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('check --print-policy prints the IAM policy of exactly the reader\'s read-only actions, with no account and no SDK call', () => {
  const r = command(awsEnv(undefined), root, 'check', '--print-policy');
  expect(r).toMatchObject({ code: 0, stderr: '' });
  const policy = JSON.parse(r.stdout);
  const actions = policy.Statement.flatMap((s: { Action: string | string[] }) => s.Action);
  expect([...actions].sort()).toEqual([...READ_ACTIONS].sort());
  expect(actions.every((a: string) => /^[a-z0-9-]+:(Describe|List|Get)/.test(a))).toBe(true);
  expect(runCli('lookup', '--print-policy').stdout).toBe(r.stdout);
});

test('the README gives the install line the command prints, and names the keys lookup writes', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  expect(readme).toContain(`\`${INSTALL_LINE}\``);
  expect(readme).toContain(`\`${ACCOUNT_CONTEXT_PREFIX}...\``);
});

test('refuses to read with no credentials: one line, exit 2', () => {
  const r = command(awsEnv(undefined, { AWS_REGION: 'us-east-1' }), root, 'check', '--cluster', 'demo');
  expect(r.code).toBe(2);
  expect(lines(r.stderr)).toEqual([expect.stringMatching(/^no usable AWS credentials .*: set AWS_PROFILE or --profile/)]);
});

test('refuses to read with no region: one line, exit 2', () => {
  const r = command(awsEnv(undefined, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }), root, 'check', '--cluster', 'demo');
  expect(r).toMatchObject({ code: 2, stderr: 'no region given: give --region (or set AWS_REGION)\n' });
});

describeWithMoto('reading an emulated account', () => {
  let moto: Moto;
  let net: BuiltNetwork;
  let dir: string;
  /** An app whose private cluster is in the emulated VPC, imported by the IDs a lookup of it finds. */
  const importingApp = (context: Record<string, unknown> = {}, account = '123456789012') => {
    const app = testApp({ context });
    const stack = new Stack(app, 'Platform', { env: { account, region: 'us-east-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: net.vpcId, vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: [net.subnets.private1, net.subnets.private2],
    });
    const sg = new ec2.SecurityGroup(stack, 'ControlPlaneSg', { vpc });
    new eks.CfnCluster(stack, 'Cluster', {
      roleArn: 'arn:aws:iam::123456789012:role/eks', version: '1.34',
      resourcesVpcConfig: { subnetIds: [net.subnets.private1, net.subnets.private2], securityGroupIds: [sg.securityGroupId], endpointPublicAccess: false, endpointPrivateAccess: true },
    });
    return app;
  };

  beforeAll(async () => {
    moto = await startMoto();
    const sdk = sdkClients(moto);
    net = await privateClusterNetwork(sdk.send);
    sdk.destroy();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'account-commands-'));
    fs.cpSync(importingApp().synth().directory, path.join(dir, 'cdk.out'), { recursive: true });
  });
  afterAll(async () => {
    await moto?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('check --cluster judges the running cluster and its VPC, says what it read, and exits 1 on its errors', () => {
    const r = command(awsEnv(moto), dir, 'check', '--cluster', net.clusterName);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)[0]).toMatch(/^read the cluster demo from account 123456789012 us-east-1 at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC: \d+ resource\(s\), \d+ read-only action\(s\)$/);
    const out = lines(r.stdout);
    expect(out).toEqual(expect.arrayContaining([
      expect.stringMatching(/^error {3}account 123456789012 us-east-1, read .* UTC \w+ \[DhcpOptionsDns\] /),
      expect.stringMatching(/^error .* \[IsolatedNodeEndpoints\] .*no usable VPC endpoint for: .*ecr\.api/),
    ]));
    expect(out[out.length - 1]).toMatch(/^1 cluster\(s\) judged \(0 not checked\): \d+ error\(s\), \d+ warning\(s\)$/);
  });

  test('check --cluster of a cluster that does not exist: one line naming it and the region, exit 2', () => {
    const r = command(awsEnv(moto), dir, 'check', '--cluster', 'nope');
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^no EKS cluster named nope in us-east-1 .*check the name and --region$/)]);
  });

  test('check --account reads the imported VPC the templates name, and judges it: the DHCP options are an error, not a warning', () => {
    const withAccount = command(awsEnv(moto), dir, 'check', '--account', 'cdk.out');
    const without = command(awsEnv(moto), dir, 'check', 'cdk.out');
    expect(withAccount.code).toBe(1);
    expect(lines(withAccount.stderr)).toEqual([expect.stringMatching(new RegExp(`^read ${net.vpcId} from account 123456789012 us-east-1 at `))]);
    expect(withAccount.stdout).toMatch(/^error .*\[DhcpOptionsDns\]/m);
    expect(without.stdout).not.toMatch(/^error .*\[DhcpOptionsDns\]/m);
    expect(without.stdout).toMatch(/^warning .*\[DhcpOptionsDns\] Not verifiable at synth/m);
    // and the check without the account says where the answer is
    expect(lines(without.stderr)).toEqual(['note: 1 cluster(s) in a VPC imported by ID, which the templates do not hold: what the rules need of it is not verifiable here; ' +
      'cdk-eks-endpoint check --account reads it from the account, read-only (lookup caches it for cdk synth)']);
  });

  test('lookup writes the imported VPC into cdk.context.json, and the next synth judges it offline', () => {
    const contextFile = path.join(dir, 'cdk.context.json');
    fs.writeFileSync(contextFile, JSON.stringify({ 'vpc-provider:kept': { untouched: true } }));
    const r = command(awsEnv(moto), dir, 'lookup');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('wrote 1 VPC read(s) to cdk.context.json under cdk-eks-endpoint:account-read:...: the next cdk synth judges with them (commit the file, as CDK\'s own lookups are)\n');
    const context = JSON.parse(fs.readFileSync(contextFile, 'utf8'));
    expect(Object.keys(context)).toEqual([
      `${ACCOUNT_CONTEXT_PREFIX}account=123456789012:region=us-east-1:vpc-id=${net.vpcId}`, 'vpc-provider:kept',
    ]);
    expect(context['vpc-provider:kept']).toEqual({ untouched: true });
    // the synth that follows: offline, the fact read makes the warning an error
    expect(byRule(aspectCheck(importingApp()), 'DhcpOptionsDns')).toEqual([expect.objectContaining({ level: 'warning' })]);
    const found = byRule(aspectCheck(importingApp(context)), 'DhcpOptionsDns');
    expect(found).toEqual([expect.objectContaining({ level: 'error', message: expect.stringContaining('(cdk.context.json)') })]);
  });

  test('lookup uses nothing read with credentials for another account than the stacks deploy to, and says so', () => {
    fs.cpSync(importingApp({}, '111111111111').synth().directory, path.join(dir, 'other.out'), { recursive: true });
    const r = command(awsEnv(moto), dir, 'lookup', '--context-file', 'other-context.json', 'other.out');
    expect(r.code).toBe(0);
    expect(lines(r.stderr)).toEqual([`not used: ${net.vpcId} was read from account 123456789012, but the stacks deploy to 111111111111: use credentials for that account (--profile)`]);
    expect(r.stdout).toBe('no VPC read could be used: other-context.json unchanged\n');
    expect(fs.existsSync(path.join(dir, 'other-context.json'))).toBe(false);
  });

  test('lookup refuses a context file that is not a JSON object, and leaves it as it is', () => {
    const contextFile = path.join(dir, 'broken.json');
    fs.writeFileSync(contextFile, '[1, 2');
    const r = command(awsEnv(moto), dir, 'lookup', '--context-file', 'broken.json');
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^broken\.json cannot be read as a JSON object \(.*\): fix or remove it$/)]);
    expect(fs.readFileSync(contextFile, 'utf8')).toBe('[1, 2');
  });
});
