import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { accountId, cachedReads, CachedRead, contextKey } from '../../../lib/check/adapters/account-context';
import { EndpointAccessChecks } from '../../../lib/check/adapters/endpoint-access-checks';
import { READ_METADATA } from '../../../lib/check/engine/read/input';
import { aspectCheck, byRule } from '../../support/apps';
import { testApp } from '../../support/util';

/**
 * Facts `cdk-eks-endpoint lookup` cached in the app's context (adapters/account-context.ts): the
 * Aspect and the pack judge an imported VPC with them, as CDK's own lookups are read at synth.
 */

const VPC_ID = 'vpc-0a1b2c3d4e5f60718';
const SUBNETS = ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712'];

/** What a lookup of the imported VPC read: the VPC with its DNS support as given, and its two subnets. */
function cached(dnsSupport: unknown): CachedRead {
  const read = (id: string) => ({ [READ_METADATA]: { id } });
  return {
    version: 1, account: '111111111111', region: 'us-east-1', readAt: '2026-12-08T06:00:00.000Z', vpcId: VPC_ID, denied: [],
    template: {
      Parameters: { NotReadDnsSupport: { Type: 'String', Description: 'enableDnsSupport of vpc-0a1b2c3d4e5f60718: ec2:DescribeVpcAttribute was denied' } },
      Resources: {
        Vpc0a1b2c3d4e5f60718: {
          Type: 'AWS::EC2::VPC', Metadata: read(VPC_ID),
          Properties: { CidrBlock: '10.9.0.0/16', EnableDnsSupport: dnsSupport, EnableDnsHostnames: true },
        },
        ...Object.fromEntries(SUBNETS.map((id, i) => [`Subnet${i}`, {
          Type: 'AWS::EC2::Subnet', Metadata: read(id), Properties: { VpcId: { Ref: 'Vpc0a1b2c3d4e5f60718' }, CidrBlock: `10.9.${i}.0/24` },
        }])),
      },
    },
  };
}

/** A private cluster in the imported VPC, its app's context holding `context`. */
function app(context: Record<string, unknown> = {}) {
  const a = testApp({ context });
  const stack = new Stack(a, 'Platform', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
    vpcId: VPC_ID, vpcCidrBlock: '10.9.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: SUBNETS,
  });
  const sg = new ec2.SecurityGroup(stack, 'ControlPlaneSg', { vpc });
  new eks.CfnCluster(stack, 'Cluster', {
    roleArn: 'arn:aws:iam::111111111111:role/eks', version: '1.34',
    resourcesVpcConfig: { subnetIds: SUBNETS, securityGroupIds: [sg.securityGroupId], endpointPublicAccess: false, endpointPrivateAccess: true },
  });
  return a;
}

const entry = (read: CachedRead) => ({ [contextKey(read)]: read });

describe('facts cached by lookup in the app\'s context', () => {
  test('warns, not verifiable, on the imported VPC with nothing cached', () => {
    expect(byRule(aspectCheck(app()), 'VpcDnsSupport')).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Not verifiable at synth/) })]);
  });

  test('passes the imported VPC whose DNS support was read on', () => {
    expect(byRule(aspectCheck(app(entry(cached(true)))), 'VpcDnsSupport')).toEqual([]);
  });

  test('fails the imported VPC whose DNS support was read off, naming where and when it was read', () => {
    const found = byRule(aspectCheck(app(entry(cached(false)))), 'VpcDnsSupport');
    expect(found).toEqual([expect.objectContaining({ level: 'error' })]);
    expect(found[0].message).toContain(`${VPC_ID} (account 111111111111 us-east-1, read 2026-12-08 06:00 UTC (cdk.context.json))`);
  });

  test('warns, not verifiable, when the lookup could not read the fact', () => {
    const found = byRule(aspectCheck(app(entry(cached({ Ref: 'NotReadDnsSupport' })))), 'VpcDnsSupport');
    expect(found).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Not verifiable at synth/) })]);
  });

  test('the cdk-nag pack judges with the same facts', () => {
    const a = app(entry(cached(false)));
    const report = new EndpointAccessChecks(a).validateScope(a);
    expect(report.violations.map((v) => v.ruleName)).toContain('EndpointAccess-VpcDnsSupport');
  });

  test('warns on an entry that is not usable, naming its key and the way out, and judges without it', () => {
    const key = contextKey({ account: '111111111111', region: 'us-east-1', vpcId: VPC_ID });
    const found = aspectCheck(app({ [key]: { version: 2, region: 'us-east-1' } }));
    expect(byRule(found, 'AccountContext')).toEqual([expect.objectContaining({
      level: 'warning', message: expect.stringContaining(`context entry ${key} is not usable (version 2, where this library reads version 1); run cdk-eks-endpoint lookup again`),
    })]);
    expect(byRule(found, 'VpcDnsSupport')).toEqual([expect.objectContaining({ level: 'warning' })]);
  });

  test('the cdk-nag pack reports an entry that is not usable on the clusters it may concern, as a warning that can be acknowledged', () => {
    const key = contextKey({ account: '111111111111', region: 'us-east-1', vpcId: VPC_ID });
    const a = app({ [key]: { version: 2, region: 'us-east-1' } });
    const [found] = new EndpointAccessChecks(a).validateScope(a).violations.filter((v) => v.ruleName === 'EndpointAccess-AccountContext');
    expect(found).toMatchObject({ severity: 'warning', description: expect.stringContaining(`context entry ${key} is not usable`) });
    expect(found.violatingResources.map((r) => r.constructPath)).toEqual(['Platform/Cluster']);
    const acknowledged = app({ [key]: { version: 2, region: 'us-east-1' } });
    Validations.of(acknowledged).acknowledge({ id: 'EndpointAccess-AccountContext', reason: 'the entry is being replaced' });
    expect(new EndpointAccessChecks(acknowledged).validateScope(acknowledged).violations.map((v) => v.ruleName)).not.toContain('EndpointAccess-AccountContext');
  });

  test.each([
    ['not an object', 'a string'],
    ['no region', { version: 1, readAt: '2026-12-08T06:00:00Z', template: { Resources: {} } }],
    ['an account that is not 12 digits', { version: 1, region: 'us-east-1', account: '12', readAt: '2026-12-08T06:00:00Z', template: { Resources: {} } }],
    ['no time it was read', { version: 1, region: 'us-east-1', readAt: 'yesterday', template: { Resources: {} } }],
    ['no template', { version: 1, region: 'us-east-1', readAt: '2026-12-08T06:00:00Z', template: { Resources: null } }],
  ])('refuses an entry with %s', (why, value) => {
    const { inputs, unusable } = cachedReads({ 'cdk-eks-endpoint:account-read:x': value, 'other:key': 1 });
    expect(inputs).toEqual([]);
    expect(unusable).toEqual([expect.stringContaining(`(${why})`)]);
  });

  test('names a read by account, region and minute, in UTC', () => {
    expect(accountId({ account: '111111111111', region: 'eu-west-1', at: '2026-12-08T06:07:59.123Z' })).toBe('account 111111111111 eu-west-1, read 2026-12-08 06:07 UTC');
  });
});

describe('the line the Aspect writes where the CDK CLI runs the app', () => {
  /** What the Aspect writes to stderr in a synth under the CDK CLI (CDK_OUTDIR set). */
  function lineOf(context: Record<string, unknown>): string {
    const written: string[] = [];
    const write = process.stderr.write;
    // the CLI's variable, pointing at a directory of the test's own: an app synthesizes into it
    process.env.CDK_OUTDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'aspect-line-'));
    process.stderr.write = ((text: string) => { written.push(text); return true; }) as unknown as typeof process.stderr.write;
    try {
      aspectCheck(app(context));
    } finally {
      process.stderr.write = write;
      fs.rmSync(process.env.CDK_OUTDIR!, { recursive: true, force: true });
      delete process.env.CDK_OUTDIR;
    }
    return written.filter((t) => t.startsWith('cdk-eks-endpoint:')).join('');
  }

  test('names lookup for a cluster in a VPC imported by ID', () => {
    expect(lineOf({})).toMatch(/^cdk-eks-endpoint: 1 cluster\(s\) judged \(0 not checked\); 1 in a VPC imported by ID, not verifiable until read: npx cdk-eks-endpoint lookup; flow report: [^\n]*\n$/);
  });

  test('says which account read it used, and when', () => {
    expect(lineOf(entry(cached(true)))).toMatch(/^cdk-eks-endpoint: 1 cluster\(s\) judged \(0 not checked\), with 1 VPC\(s\) read from account 111111111111 us-east-1, read 2026-12-08 06:00 UTC \(cdk\.context\.json\); flow report: [^\n]*\n$/);
  });
});
