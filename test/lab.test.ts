import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildLabApp, labOptions, LabContextError } from '../bin/lab';
import { EndpointMode } from '../lib';
import { testApp } from './support/util';

describe('lab context', () => {
  test('defaults to private with a bastion', () => {
    expect(labOptions({})).toEqual({ mode: EndpointMode.PRIVATE, bastion: true });
  });

  test('reads mode, allowFrom and bastion', () => {
    const options = labOptions({ mode: 'public-and-private', allowFrom: '203.0.113.0/24, 198.51.100.0/24', bastion: 'false' });
    expect(options.mode.name).toBe('public-and-private');
    expect(options.mode.publicAccessCidrs).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
    expect(options.bastion).toBe(false);
  });

  test.each([
    [{ mode: 'privat' }, 'Invalid -c mode=privat: expected one of public, public-and-private, private.'],
    [{ bastion: 'no' }, 'Invalid -c bastion=no: expected true or false.'],
    [{ mdoe: 'public' }, 'Unknown context key "mdoe"; did you mean "mode"?'],
    [{ allowfrom: '203.0.113.0/24' }, 'Unknown context key "allowfrom"; did you mean "allowFrom"?'],
    [{ mode: 'public', allowFrom: '203.0.113.0/33' }, 'Invalid -c allowFrom=203.0.113.0/33: EndpointMode.onlyFrom(): "203.0.113.0/33" has prefix /33'],
    [{ mode: 'private', allowFrom: '203.0.113.0/24' }, 'Invalid -c allowFrom=203.0.113.0/24: EndpointMode.PRIVATE.onlyFrom("203.0.113.0/24"): a private-only endpoint has no public allow-list.'],
  ])('refuses %j with one line that says what is valid', (context, message) => {
    let error: Error | undefined;
    try {
      labOptions(context);
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(LabContextError);
    expect(error!.message).toContain(message);
    expect(error!.message).not.toContain('\n');
  });

  test('reads adminPrincipals as a comma-separated list of ARNs', () => {
    expect(labOptions({ adminPrincipals: ' arn:aws:iam::123456789012:role/Admin, arn:aws:iam::123456789012:user/me ' }).adminPrincipals)
      .toEqual(['arn:aws:iam::123456789012:role/Admin', 'arn:aws:iam::123456789012:user/me']);
    expect(() => labOptions({ adminPrincipal: 'arn:aws:iam::123456789012:role/Admin' })).toThrow('did you mean "adminPrincipals"?');
  });

  test('adminPrincipals become access entries; an ARN EndpointCluster refuses is one line naming -c adminPrincipals', () => {
    const stack = buildLabApp(testApp(), labOptions({ adminPrincipals: 'arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:user/me' }));
    const principals = Object.values(Template.fromStack(stack).findResources('AWS::EKS::AccessEntry')).map((r) => r.Properties.PrincipalArn);
    expect(principals).toEqual(expect.arrayContaining(['arn:aws:iam::123456789012:role/Admin', 'arn:aws:iam::123456789012:user/me']));
    expect(principals).toHaveLength(3); // and the bastion's

    const assumed = 'arn:aws:sts::123456789012:assumed-role/Admin/me';
    let error: Error | undefined;
    try {
      buildLabApp(testApp(), labOptions({ adminPrincipals: assumed }));
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(LabContextError);
    expect(error!.message).toBe(
      `Refused -c mode=private -c adminPrincipals=${assumed}: adminPrincipals has the STS session ARN "${assumed}"; ` +
      'access entries take the role\'s ARN. Use arn:aws:iam::123456789012:role/Admin (add the role\'s path if it has one).',
    );
  });

  test('the compiled app prints one line and no stack trace for a typo', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-'));
    const result = spawnSync(process.execPath, [path.join(__dirname, '..', 'build', 'bin', 'lab.js')], {
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ mode: 'publik' }) },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('Invalid -c mode=publik: expected one of public, public-and-private, private.\n');
  });
});

/**
 * The check's documented warnings on a hybrid-nodes lab (docs/RULES.md): the lab has no VPN, so
 * no route to each remote network (HybridNodePath); in Public mode, whether the allow-list holds
 * the on-premises egress addresses cannot be known (HybridNodeEndpointMode).
 */
const HYBRID_WARNINGS = ['HybridNodePath', 'HybridNodePath'];
const HYBRID_PUBLIC_WARNINGS = ['HybridNodeEndpointMode', 'HybridNodePath'];

describe('lab app', () => {
  test.each(['public', 'public-and-private', 'private'])('%s: outputs name, mode, endpoint, session command and what to expect from DNS', (mode) => {
    const app = testApp();
    const stack = buildLabApp(app, labOptions({ mode }));
    const template = Template.fromStack(stack);
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining([
      'ClusterName', 'EndpointMode', 'ClusterEndpoint', 'TrafficFlow', 'BastionSessionCommand', 'VerifyResolution',
    ]));
    expect(outputs.EndpointMode.Value).toBe(mode);
    const verify = JSON.stringify(outputs.VerifyResolution.Value);
    expect(verify).toContain('getent hosts');
    expect(verify).toContain(mode === 'public' ? 'public addresses' : 'private addresses in the VPC CIDR');
  });

  test.each([
    [{ mode: 'private' }, []],
    [{ mode: 'public-and-private', allowFrom: '203.0.113.0/24' }, []],
    [{ mode: 'public', allowFrom: '203.0.113.0/24' }, []],
    [{ mode: 'public-and-private' }, ['PublicEndpointOpen']],
    [{ mode: 'public' }, ['PublicEndpointOpen']],
  ])('runs the private-resolution check: %j reports no error and warns only %j', (context, warnings) => {
    const app = testApp();
    const stack = buildLabApp(app, labOptions(context));
    const messages = app.synth().getStackByName(stack.stackName).messages.filter((m) => String(m.entry.data).includes('cdk-eks-endpoint:'));
    expect(messages.filter((m) => m.level === 'error')).toEqual([]);
    expect(messages.map((m) => /cdk-eks-endpoint:(\w+)/.exec(String(m.entry.data))![1])).toEqual(warnings);
  });

  test.each([
    [{ egress: 'isolated' }, []],
    [{ mode: 'public-and-private', allowFrom: '203.0.113.0/24', egress: 'isolated', compute: 'auto-mode' }, []],
    [{ compute: 'auto-mode' }, []],
    [{ mode: 'public', compute: 'auto-mode' }, ['PublicEndpointOpen']],
    [{ mode: 'public-and-private', allowFrom: '203.0.113.0/24', connectedCidrs: '10.1.0.0/16,192.168.0.0/16' }, []],
    [{ connectedCidrs: '10.1.0.0/16', egress: 'isolated' }, []],
    [{ remoteNodeNetworks: '192.168.0.0/16', remotePodNetworks: '172.16.0.0/16' }, HYBRID_WARNINGS],
    [{ mode: 'public', allowFrom: '198.51.100.0/24', remoteNodeNetworks: '192.168.0.0/16' }, HYBRID_PUBLIC_WARNINGS],
  ])('with the issue 7 options, %j: the check reports no error and warns only %j', (context, warnings) => {
    const app = testApp();
    const stack = buildLabApp(app, labOptions(context));
    const messages = app.synth().getStackByName(stack.stackName).messages.filter((m) => String(m.entry.data).includes('cdk-eks-endpoint:'));
    expect(messages.filter((m) => m.level === 'error')).toEqual([]);
    expect(messages.map((m) => /cdk-eks-endpoint:(\w+)/.exec(String(m.entry.data))![1])).toEqual(warnings);
  });

  test('outputs the Resolver inbound addresses with connected networks in Public & Private, and the VPC endpoints when isolated', () => {
    const connected = Template.fromStack(buildLabApp(testApp(), labOptions({ mode: 'public-and-private', connectedCidrs: '192.168.0.0/16' }))).toJSON().Outputs;
    expect(connected.ResolverInboundAddresses.Value).toBe('10.0.63.254,10.0.95.254');
    expect(connected.VpcEndpoints).toBeUndefined();
    const isolated = Template.fromStack(buildLabApp(testApp(), labOptions({ egress: 'isolated', compute: 'auto-mode' }))).toJSON().Outputs;
    expect(isolated.VpcEndpoints.Value).toBe('ec2,ecr.api,ecr.dkr,sts,eks-auth,ssm,ssmmessages,ec2messages,s3');
    expect(isolated.ResolverInboundAddresses).toBeUndefined();
  });

  test.each([
    [{ mode: 'public', egress: 'isolated' }, 'Refused -c mode=public -c egress=isolated: egress ISOLATED with mode public: nodes without internet egress cannot reach a public-only endpoint'],
    [{ mode: 'public', connectedCidrs: '10.1.0.0/16' }, 'Refused -c mode=public -c connectedCidrs=10.1.0.0/16: connectedVpcs/connectedCidrs are given, but mode public has no private endpoint'],
    [{ mode: 'public-and-private', remoteNodeNetworks: '192.168.0.0/16' }, 'Refused -c mode=public-and-private -c remoteNodeNetworks=192.168.0.0/16: remoteNodeNetworks with mode public-and-private'],
    [{ remotePodNetworks: '172.16.0.0/16' }, 'Refused -c mode=private -c remotePodNetworks=172.16.0.0/16: remotePodNetworks (172.16.0.0/16) is given without remoteNodeNetworks'],
    [{ remoteNodeNetworks: '203.0.113.0/24' }, 'Refused -c mode=private -c remoteNodeNetworks=203.0.113.0/24: remoteNodeNetworks[0] 203.0.113.0/24 is in none of the ranges'],
    [{ connectedCidrs: '10.0.0.0/8' }, 'Refused -c mode=private -c connectedCidrs=10.0.0.0/8: connected network 10.0.0.0/8 overlaps the cluster VPC\'s 10.0.0.0/16'],
  ])('refuses %j with one line that names the context and the way out', (context, message) => {
    let error: Error | undefined;
    try {
      buildLabApp(testApp(), labOptions(context));
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(LabContextError);
    expect(error!.message).toContain(message);
    expect(error!.message).not.toContain('\n');
  });

  test.each([
    [{ egress: 'none' }, 'Invalid -c egress=none: expected one of nat-gateway, isolated.'],
    [{ compute: 'fargate' }, 'Invalid -c compute=fargate: expected one of nodegroup, auto-mode.'],
    [{ conectedCidrs: '10.1.0.0/16' }, 'Unknown context key "conectedCidrs"; did you mean "connectedCidrs"?'],
  ])('refuses %j before building anything', (context, message) => {
    expect(() => labOptions(context)).toThrow(message);
  });

  test('without a bastion there is no session output', () => {
    const stack = buildLabApp(testApp(), labOptions({ bastion: 'false' }));
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    expect(outputs.BastionSessionCommand).toBeUndefined();
    expect(outputs.ClusterName).toBeDefined();
  });

  test('is environment-agnostic unless CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION are set', () => {
    const saved = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
    try {
      delete process.env.CDK_DEFAULT_ACCOUNT;
      delete process.env.CDK_DEFAULT_REGION;
      const agnostic = buildLabApp(testApp(), labOptions({}));
      expect(agnostic.environment).toBe('aws://unknown-account/unknown-region');
      process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
      process.env.CDK_DEFAULT_REGION = 'eu-west-1';
      expect(buildLabApp(testApp(), labOptions({})).environment).toBe('aws://123456789012/eu-west-1');
    } finally {
      for (const [key, value] of [['CDK_DEFAULT_ACCOUNT', saved.account], ['CDK_DEFAULT_REGION', saved.region]] as const) {
        if (value === undefined) delete process.env[key]; else process.env[key] = value;
      }
    }
  });

  test('passes CDK\'s built-in CloudFormation validation with no error', () => {
    // the one synth with the built-in validation on: it is slow (about 3 s)
    const app = new App({ context: { 'aws:cdk:disable-asset-staging': true } });
    buildLabApp(app, labOptions({ mode: 'public-and-private' }));
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.map((r: any) => r.pluginName)).toContain('CloudFormation Validate');
    const findings = report.pluginReports.flatMap((r: any) => r.violations);
    expect(findings.filter((v: any) => ['error', 'fatal'].includes(v.severity))).toEqual([]);
    // the one finding aws-eks-v2 causes is acknowledged, with its reason, by EndpointCluster
    expect(findings.map((v: any) => v.ruleName)).not.toContain('W9009');
  });
});
