import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { AspectPriority, Aspects, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ClusterCompute, ClusterEgress, EndpointCluster, EndpointClusterProps, EndpointMode, PrivateResolutionCheck } from '../lib';
import { testApp } from './support/util';
import { routeConnectedThroughTransitGateway } from './support/apps';

/**
 * Every endpoint mode with every combination of issue 7's options: egress, compute, connected
 * networks, hybrid nodes. Each combination is synthesized once, with the check on. The ones that
 * cannot work are refused with the way out; the others render exactly their resources, the check
 * reports no error and only the warnings docs/RULES.md documents for them, and a switch to any
 * other mode the same options allow replaces nothing precious.
 */
const MODES = ['public', 'public-and-private', 'private'];
const EGRESS = [ClusterEgress.NAT_GATEWAY, ClusterEgress.ISOLATED];
const COMPUTE = [ClusterCompute.NODEGROUP, ClusterCompute.AUTO_MODE];
const CONNECTED = [false, true];
const HYBRID = [false, true];

interface Combination {
  readonly name: string;
  readonly mode: string;
  readonly egress: ClusterEgress;
  readonly compute: ClusterCompute;
  readonly connected: boolean;
  readonly hybrid: boolean;
}

const combinations: Combination[] = MODES.flatMap((mode) => EGRESS.flatMap((egress) => COMPUTE.flatMap((compute) =>
  CONNECTED.flatMap((connected) => HYBRID.map((hybrid) => ({
    name: `${mode} ${egress} ${compute}${connected ? ' connected' : ''}${hybrid ? ' hybrid' : ''}`,
    mode, egress, compute, connected, hybrid,
  }))))));

function props(c: Combination): EndpointClusterProps {
  return {
    // an allow-list on the public endpoint, so that PublicEndpointOpen does not hide what matters here
    mode: EndpointMode.of(c.mode).publicAccess ? EndpointMode.of(c.mode).onlyFrom('203.0.113.0/24') : EndpointMode.of(c.mode),
    egress: c.egress,
    compute: c.compute,
    // an admin named, so that noClusterAdmin (the bastion is read-only by default) does not hide what matters here
    adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'],
    ...(c.connected ? { connectedCidrs: ['10.1.0.0/16', '192.168.0.0/16'] } : {}),
    ...(c.hybrid ? { remoteNodeNetworks: ['172.16.0.0/16'], remotePodNetworks: ['172.17.0.0/16'] } : {}),
  };
}

/** Why a combination is refused, as the error says it, or undefined when it is not. */
function refusal(c: Combination): RegExp | undefined {
  if (c.egress === ClusterEgress.ISOLATED && c.mode === 'public') return /egress ISOLATED with mode public .*Use EndpointMode\.PRIVATE or EndpointMode\.PUBLIC_AND_PRIVATE/;
  if (c.connected && c.mode === 'public') return /connectedVpcs\/connectedCidrs are given, but mode public .* has no private endpoint/;
  if (c.hybrid && c.mode === 'public-and-private') return /remoteNodeNetworks with mode public-and-private .*Use EndpointMode\.PRIVATE/;
  return undefined;
}

/** The check's warnings each combination is documented to give (docs/RULES.md): routes to on-premises are the user's. */
function documentedWarnings(c: Combination): string[] {
  // clients behind the Transit Gateway are in networks outside the templates: whether their DNS
  // forwards the endpoint's name to the inbound Resolver endpoint cannot be known at synth
  if (c.connected && c.mode === 'public-and-private') return ['ConnectedClientResolution'];
  if (!c.hybrid) return [];
  const routes = ['HybridNodePath', 'HybridNodePath']; // one per remote network: nothing routes to them here
  return c.mode === 'public' ? ['HybridNodeEndpointMode', ...routes] : routes;
}

const synthesized = new Map<string, { template: Record<string, any>; warnings: string[]; errors: string[] }>();
for (const c of combinations) {
  if (refusal(c)) continue;
  const app = testApp({ context: { 'cdk-eks-endpoint:report': false } });
  Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
  const stack = new Stack(app, 'Matrix');
  const lab = new EndpointCluster(stack, 'Lab', props(c));
  // the connected networks' routes, which the platform team adds (ConnectedNetworkRoute judges them)
  if (c.connected) routeConnectedThroughTransitGateway(lab.vpc, ['10.1.0.0/16', '192.168.0.0/16']);
  const messages = app.synth().getStackByName('Matrix').messages;
  const ids = (level: string) => messages.filter((m) => m.level === level).map((m) => String(m.entry.data))
    .map((text) => /\[ack: ([^\]]+)\]$/.exec(text)?.[1] ?? /^\[([^\]]+)\]/.exec(text)?.[1] ?? text);
  synthesized.set(c.name, { template: Template.fromStack(stack).toJSON(), warnings: ids('warning'), errors: ids('error') });
}

/** The control-plane security group's inbound rules, as block:port. */
function controlPlaneIngress(template: Record<string, any>): string[] {
  const [group] = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::EC2::SecurityGroup'
    && /EKS Control Plane/.test(r.Properties.GroupDescription)) as any[];
  return (group.Properties.SecurityGroupIngress ?? []).map((r: any) => `${r.CidrIp}:${r.FromPort}`);
}

function count(template: Record<string, any>, type: string): number {
  return Object.values(template.Resources).filter((r: any) => r.Type === type).length;
}

describe.each(combinations.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const why = refusal(c);
  if (why) {
    test('is refused, with the way out', () => {
      expect(() => new EndpointCluster(new Stack(testApp(), 'Refused'), 'Lab', props(c))).toThrow(why);
    });
    return;
  }

  test('renders exactly the resources of its options', () => {
    const { template } = synthesized.get(c.name)!;
    const nat = c.egress === ClusterEgress.NAT_GATEWAY;
    expect({
      natGateways: count(template, 'AWS::EC2::NatGateway'),
      internetGateways: count(template, 'AWS::EC2::InternetGateway'),
      interfaceEndpoints: Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties.VpcEndpointType === 'Interface').length,
      nodegroups: count(template, 'AWS::EKS::Nodegroup'),
      resolverEndpoints: count(template, 'AWS::Route53Resolver::ResolverEndpoint'),
      resolverRules: count(template, 'AWS::Route53Resolver::ResolverRule'),
      bastions: count(template, 'AWS::EC2::Instance'),
      s3GatewayEndpoints: Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties.VpcEndpointType === 'Gateway').length,
      accessEntries: count(template, 'AWS::EKS::AccessEntry'),
      securityGroups: count(template, 'AWS::EC2::SecurityGroup'),
      apiRulesFromOutside: controlPlaneIngress(template),
    }).toEqual({
      natGateways: nat ? 1 : 0,
      internetGateways: nat ? 1 : 0,
      // ec2, ecr.api, ecr.dkr, sts; ssm, ssmmessages, ec2messages for the bastion; eks-auth for Auto Mode
      interfaceEndpoints: nat ? 0 : c.compute === ClusterCompute.AUTO_MODE ? 8 : 7,
      nodegroups: c.compute === ClusterCompute.NODEGROUP ? 1 : 0,
      resolverEndpoints: c.connected && c.mode === 'public-and-private' ? 2 : 0,
      resolverRules: c.connected && c.mode === 'public-and-private' ? 1 : 0,
      bastions: 1,
      s3GatewayEndpoints: nat ? 0 : 1,
      accessEntries: 2, // the bastion's and the admin's
      // control plane, bastion; the endpoints' group; the Resolver's two
      securityGroups: 2 + (nat ? 0 : 1) + (c.connected && c.mode === 'public-and-private' ? 2 : 0),
      apiRulesFromOutside: [
        ...(c.connected ? ['10.1.0.0/16:443', '192.168.0.0/16:443'] : []),
        ...(c.hybrid ? ['172.16.0.0/16:443', '172.17.0.0/16:443'] : []),
      ],
    });
    const [cluster] = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::EKS::Cluster') as any[];
    expect(cluster.Properties.ComputeConfig.Enabled).toBe(c.compute === ClusterCompute.AUTO_MODE);
    expect(cluster.Properties.RemoteNetworkConfig !== undefined).toBe(c.hybrid);
  });

  test('the check reports no error, and only the warnings documented for it', () => {
    const { warnings, errors } = synthesized.get(c.name)!;
    expect(errors).toEqual([]);
    expect(warnings.map((w) => w.replace(/^cdk-eks-endpoint:/, ''))).toEqual(documentedWarnings(c));
  });

  const others = MODES.filter((m) => m !== c.mode).map((m) => ({ ...c, mode: m, name: c.name.replace(c.mode, m) })).filter((o) => !refusal(o));
  if (others.length > 0) {
    test.each(others.map((o) => [o.mode, o] as const))('a switch to %s updates the cluster in place and replaces nothing precious', (_to, other) => {
      const from = synthesized.get(c.name)!.template;
      const to = synthesized.get(other.name)!.template;
      const impacts: Array<[string, string, ResourceImpact]> = [];
      fullDiff(from, to).resources.forEachDifference((id, change) => impacts.push([id, change.resourceType ?? '', change.changeImpact]));
      expect(impacts.find(([, type]) => type === 'AWS::EKS::Cluster')?.[2]).toBe(ResourceImpact.WILL_UPDATE);
      // the diff judges ResourcesVpcConfig as a whole; CloudFormation replaces a cluster whose
      // SubnetIds or SecurityGroupIds change
      const placement = (t: Record<string, any>) => {
        const config = (Object.values(t.Resources).find((r: any) => r.Type === 'AWS::EKS::Cluster') as any).Properties.ResourcesVpcConfig;
        return [config.SubnetIds, config.SecurityGroupIds];
      };
      expect(placement(to)).toEqual(placement(from));
      const lost = impacts.filter(([id, , impact]) => [ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE, ResourceImpact.WILL_ORPHAN].includes(impact)
        || (impact === ResourceImpact.WILL_DESTROY && !/EndpointResolver/.test(id)));
      expect(lost).toEqual([]);
    });
  }
});
