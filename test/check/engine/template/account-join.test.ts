import { createHash } from 'crypto';
import { AccountOrigin, READ_METADATA, TemplateInput } from '../../../../lib/check/engine/read/input';
import { TemplateSet } from '../../../../lib/check/engine/template/template-set';
import { Unknown } from '../../../../lib/check/engine/template/value';
import {
  base, bastion, check, clientVpc, forwarding, hybrid, isolated, isolatedNodegroup, Json, levels, LooseTemplate, network, nodegroup,
  nodeNetwork, NODE_SERVICES, peering, subEndpoints, vpn, withEndpoints,
} from '../../../support/templates';

/**
 * A literal physical ID in an app's template refers to the resource read from an account
 * (engine/template/template-set.ts): the way facts read by `cdk-eks-endpoint lookup` or
 * `check --account` join an app that imports its VPC. Each case writes one network twice: whole, as
 * one template, and split the way an app with an imported VPC is (the network read from the
 * account, named by physical IDs; the cluster and its compute in the app, naming the network by
 * literal IDs), and expects the same verdicts from both.
 */

const ORIGIN: AccountOrigin = { account: '111111111111', region: 'us-east-1', at: '2026-12-08T06:00:00.000Z' };

/** The types a network team owns and an app imports: they go to the account side. */
const NETWORK_TYPES = new Set([
  'AWS::EC2::VPC', 'AWS::EC2::VPCCidrBlock', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::Route',
  'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::InternetGateway',
  'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::VPCEndpoint', 'AWS::EC2::DHCPOptions', 'AWS::EC2::VPCDHCPOptionsAssociation',
  'AWS::EC2::VPNGateway', 'AWS::EC2::VPNGatewayRoutePropagation', 'AWS::EC2::VPNConnection', 'AWS::EC2::VPNConnectionRoute',
  'AWS::EC2::CustomerGateway', 'AWS::EC2::TransitGateway', 'AWS::EC2::TransitGatewayAttachment',
  'AWS::EC2::TransitGatewayVpcAttachment', 'AWS::EC2::VPCPeeringConnection', 'AWS::Route53Resolver::ResolverEndpoint',
  'AWS::Route53Resolver::ResolverRule', 'AWS::Route53Resolver::ResolverRuleAssociation',
]);

const PREFIX: Record<string, string> = {
  'AWS::EC2::VPC': 'vpc', 'AWS::EC2::Subnet': 'subnet', 'AWS::EC2::RouteTable': 'rtb', 'AWS::EC2::SecurityGroup': 'sg',
  'AWS::EC2::NatGateway': 'nat', 'AWS::EC2::InternetGateway': 'igw', 'AWS::EC2::VPCEndpoint': 'vpce',
  'AWS::EC2::TransitGateway': 'tgw', 'AWS::EC2::VPCPeeringConnection': 'pcx', 'AWS::EC2::DHCPOptions': 'dopt',
};

const physicalId = (logicalId: string, type: string) =>
  `${PREFIX[type] ?? 'res'}-${createHash('sha256').update(logicalId).digest('hex').slice(0, 17)}`;

/** Refers to a resource from outside its template: its ID, or a plain property an attribute reads. */
function outsideRef(value: Json, moved: Map<string, Json>): Json {
  if (Array.isArray(value)) return value.map((v) => outsideRef(v, moved));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref' && moved.has(value.Ref)) return moved.get(value.Ref).id;
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const [name, attribute] = typeof value['Fn::GetAtt'] === 'string' ? value['Fn::GetAtt'].split('.') : value['Fn::GetAtt'];
    const target = moved.get(name);
    if (target) return /Id$/.test(attribute) ? target.id : target.resource.Properties?.[attribute];
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, outsideRef(v, moved)]));
}

function refsOf(value: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, found));
  else if (value !== null && typeof value === 'object') {
    if (typeof value.Ref === 'string') found.add(value.Ref);
    const getAtt = value['Fn::GetAtt'];
    if (getAtt) found.add(typeof getAtt === 'string' ? getAtt.split('.')[0] : getAtt[0]);
    Object.values(value).forEach((v) => refsOf(v, found));
  }
  return found;
}

/**
 * The network types, and what they refer to (an endpoint's group), as read from an account; the
 * rest as an app that names them by literal IDs.
 */
function split(t: LooseTemplate): TemplateInput[] {
  const resources: Record<string, Json> = t.Resources;
  const account = new Set(Object.keys(resources).filter((id) => NETWORK_TYPES.has(resources[id].Type)));
  for (let grew = true; grew;) {
    grew = false;
    for (const id of [...account]) {
      for (const target of refsOf(resources[id].Properties)) {
        if (resources[target] && !account.has(target) && resources[target].Type !== 'AWS::EKS::Cluster') {
          account.add(target);
          grew = true;
        }
      }
    }
  }
  const moved = new Map([...account].map((id) => [id, { id: physicalId(id, resources[id].Type), resource: resources[id] }]));
  const accountResources = Object.fromEntries([...account].map((id) => [id, {
    ...resources[id], Metadata: { [READ_METADATA]: { id: moved.get(id)!.id } },
  }]));
  const appResources = Object.fromEntries(Object.keys(resources).filter((id) => !account.has(id))
    .map((id) => [id, outsideRef(resources[id], moved)]));
  return [
    { id: 'App', template: { ...t, Resources: appResources } },
    { id: 'account 111111111111 us-east-1', template: { Parameters: t.Parameters, Resources: accountResources }, readFrom: ORIGIN },
  ];
}

const whole = (t: LooseTemplate) => levels(check(t)).sort();
const joined = (t: LooseTemplate) => levels(check(split(t))).sort();
const importedOnly = (t: LooseTemplate) => levels(check(split(t).slice(0, 1))).sort();

describe('a literal ID refers to the resource read from an account', () => {
  const networks: Array<[string, () => LooseTemplate]> = [
    ['a private cluster with a bastion', () => {
      const t = network();
      bastion(t);
      return t;
    }],
    ['a Public & Private cluster with node groups', () => {
      const t = base({ mode: { EndpointPublicAccess: true, EndpointPrivateAccess: true }, cidrs: ['203.0.113.0/24'] });
      nodegroup(t);
      return t;
    }],
    ['private nodes with every endpoint they need', () => withEndpoints(nodeNetwork())],
    ['private nodes missing the STS endpoint', () => withEndpoints(nodeNetwork(), NODE_SERVICES.filter((s) => s !== 'sts'))],
    ['an isolated cluster with no endpoints', () => isolated(isolatedNodegroup())],
    ['an isolated cluster with its endpoints', () => isolated({ ...subEndpoints(NODE_SERVICES), ...isolatedNodegroup() })],
    ['a peered client VPC', () => {
      const t = base();
      clientVpc(t);
      peering(t);
      return t;
    }],
    ['hybrid nodes', () => hybrid()],
    ['a Site-to-Site VPN', () => vpn()],
    ['Resolver forwarding', () => forwarding('eks.amazonaws.com')],
  ];

  test.each(networks)('%s: the same verdicts whole and joined', (_, build) => {
    expect(joined(build())).toEqual(whole(build()));
    // and the join is what makes them so: the app alone has the imported VPC's warnings
    expect(importedOnly(build())).not.toEqual(whole(build()));
  });

  test('fails on a VPC read with DNS support off, where the imported VPC alone only warns', () => {
    const t = network();
    t.Resources.Vpc.Properties.EnableDnsSupport = false;
    expect(joined(t)).toContain('error VpcDnsSupport');
    expect(importedOnly(t)).not.toContain('error VpcDnsSupport');
  });

  test('names what it read as read from the account', () => {
    const t = network();
    t.Resources.Vpc.Properties.EnableDnsSupport = false;
    const finding = check(split(t)).find((f) => f.ruleId === 'VpcDnsSupport')!;
    expect(finding.message).toContain(`${physicalId('Vpc', 'AWS::EC2::VPC')} (account 111111111111 us-east-1)`);
  });

  test('warns, not verifiable, when a fact was not read', () => {
    const t = network();
    t.Parameters.NotReadDnsSupport = { Type: 'String', Description: 'the VPC\'s enableDnsSupport: ec2:DescribeVpcAttribute was denied (UnauthorizedOperation)' };
    t.Resources.Vpc.Properties.EnableDnsSupport = { Ref: 'NotReadDnsSupport' };
    const findings = check(split(t)).filter((f) => f.ruleId === 'VpcDnsSupport');
    expect(levels(findings)).toEqual(['warning (not verifiable) VpcDnsSupport']);
  });

  test('describes a value not read by its parameter\'s description', () => {
    const t = network();
    t.Parameters.NotReadSubnets = { Type: 'CommaDelimitedList', Description: 'the subnets: ec2:DescribeSubnets was denied (UnauthorizedOperation)' };
    const [app, account] = split(t);
    (account.template as Json).Resources.Extra = {
      Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: 'Vpc' }, ServiceName: 'com.amazonaws.us-east-1.sts', SubnetIds: { Ref: 'NotReadSubnets' } },
      Metadata: { [READ_METADATA]: { id: 'vpce-0123456789abcdef0' } },
    };
    const endpoint = new TemplateSet([app, account]).templates[1].resources.get('Extra')!;
    expect((endpoint.properties.SubnetIds as Unknown).why).toBe('the subnets: ec2:DescribeSubnets was denied (UnauthorizedOperation)');
    expect(endpoint.display).toBe('vpce-0123456789abcdef0 (account 111111111111 us-east-1)');
  });

  test('joins IDs and ARNs only: a name written as an account resource\'s ID elsewhere stays a string', () => {
    const t = network();
    const [app, account] = split(t);
    // names, not IDs: they register nothing, and the app's literal IDs stay strings
    for (const resource of Object.values((account.template as Json).Resources) as Json[]) resource.Metadata[READ_METADATA].id = 'main';
    expect(levels(check([app, account])).sort()).toEqual(importedOnly(t));
  });
});
