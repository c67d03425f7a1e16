import { att, base, BaseOptions, check, checkNamed, CLUSTER_TABLES, endpoints, error, kinds, levels, LooseTemplate, NODE_ROUTE_TABLES, NODE_SUBNETS, nodegroup, nodeNetwork, notVerifiable, of, PRIVATE, PUBLIC, ref, route, sub, subnet, Template, verdicts, withEndpoints } from '../../../support/templates';
import { Json } from '../../../support/templates';

/**
 * Subnets, routes and egress (engine/model: subnets and routes): how a subnet leaves the VPC, NAT
 * gateways and their addresses, Transit Gateway routes, subnets with no association.
 */

describe('isolated node subnets routed to a Transit Gateway (shared-services VPC)', () => {
  function viaTransitGateway(): LooseTemplate {
    const t = nodeNetwork({ ...PRIVATE, egress: 'isolated' });
    t.Resources.ClusterAttachment = {
      Type: 'AWS::EC2::TransitGatewayVpcAttachment',
      Properties: { TransitGatewayId: 'tgw-0123', VpcId: ref('Vpc'), SubnetIds: NODE_SUBNETS.map(ref) },
    };
    for (const table of NODE_ROUTE_TABLES) {
      t.Resources[`${table}ToShared`] = route(table, '172.16.0.0/12', { TransitGatewayId: 'tgw-0123' });
    }
    return t;
  }

  test('passes with the endpoints in the cluster VPC', () => {
    expect(of(check(withEndpoints(viaTransitGateway())), 'IsolatedNodeEndpoints')).toEqual([]);
  });

  test('warns not verifiable, not an error, without endpoints: shared ones may serve them across the gateway', () => {
    const findings = check(viaTransitGateway());
    expect(kinds(of(findings, 'IsolatedNodeEndpoints'))).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(of(findings, 'IsolatedNodeEndpoints')[0].message).toMatch(/route to another network \(Transit Gateway or peering\), where shared VPC endpoints may serve them/);
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  test('fails without the Transit Gateway route (the same subnets, nothing beyond the VPC)', () => {
    const findings = check(nodeNetwork({ ...PRIVATE, egress: 'isolated' }));
    expect(kinds(findings)).toEqual([error('IsolatedNodeEndpoints')]);
  });

  // Guards a fixed hidden error: only the subnets that route to another network may be served by shared endpoints; the
  // others keep their error (IsolatedNodeEndpoints.check splits the isolated subnets in two).
  test('fails when only one of the two isolated node subnets routes to the Transit Gateway: the other reaches no shared endpoint', () => {
    const t = nodeNetwork({ ...PRIVATE, egress: 'isolated' });
    t.Resources.PrivateSubnet1RouteTableToShared = route('PrivateSubnet1RouteTable', '172.16.0.0/12', { TransitGatewayId: 'tgw-0123' });
    const errors = check(t).filter((f) => f.level === 'error');
    expect(kinds(errors)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(errors[0].message).toContain('Stack/PrivateSubnet2');
    expect(errors[0].message).toContain('no usable VPC endpoint for: ec2, ecr.api, ecr.dkr, sts, s3.');
  });
});

// Found running the check on public templates and CDK apps (aws-samples, aws-cloudformation-templates, eksctl, the aws-eks-v2 APIs).
describe('a NAT gateway with secondary addresses, in Public mode with an allow-list', () => {
  function publicOnly(cidrs: unknown[]): LooseTemplate {
    return {
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } },
        Pub: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.0.0.0/24' } },
        Priv: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.0.1.0/24' } },
        Igw: { Type: 'AWS::EC2::InternetGateway' },
        PubRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
        PubAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('Pub'), RouteTableId: ref('PubRt') } },
        PubDefault: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref('PubRt'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ref('Igw') } },
        Eip: { Type: 'AWS::EC2::EIP' },
        Eip2: { Type: 'AWS::EC2::EIP' },
        Nat: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('Pub'), AllocationId: att('Eip', 'AllocationId'), SecondaryAllocationIds: [att('Eip2', 'AllocationId')] } },
        PrivRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
        PrivAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('Priv'), RouteTableId: ref('PrivRt') } },
        PrivDefault: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref('PrivRt'), DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: ref('Nat') } },
        Cluster: {
          Type: 'AWS::EKS::Cluster',
          Properties: { RoleArn: 'r', ResourcesVpcConfig: { SubnetIds: [ref('Priv')], EndpointPublicAccess: true, EndpointPrivateAccess: false, PublicAccessCidrs: cidrs } },
        },
        Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: { ClusterName: ref('Cluster'), NodeRole: 'n', Subnets: [ref('Priv')] } },
      },
    };
  }

  test('passes when every address of the NAT gateway is allowed', () => {
    expect(levels(checkNamed('t', publicOnly([sub('${Eip}/32'), sub('${Eip2}/32')])))).toEqual([]);
  });

  test('warns when only the primary address is: connections may leave from the secondary one', () => {
    expect(levels(checkNamed('t', publicOnly([sub('${Eip}/32')])))).toEqual(['warning (not verifiable) PublicOnlyNodeEgress']);
  });
});

// natEgress (network-model.ts): found by the mutation run's reader
describe('a private NAT gateway whose subnet routes on to an internet gateway', () => {
  /** The private subnets' default routes go to a private NAT gateway in the public subnet, whose own default route is the internet gateway. */
  function behindPrivateNat(o: BaseOptions): Template {
    const t = base({ ...o, egress: 'isolated' });
    t.Resources.PNat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('PublicSubnet'), ConnectivityType: 'private' } };
    t.Resources.Private1Default = route('PrivateSubnet1Rt', '0.0.0.0/0', { NatGatewayId: ref('PNat') });
    t.Resources.Private2Default = route('PrivateSubnet2Rt', '0.0.0.0/0', { NatGatewayId: ref('PNat') });
    nodegroup(t);
    return t;
  }

  test('Private mode: the internet gateway drops that traffic, so the nodes have no egress and need the VPC endpoints (was: no finding)', () => {
    const findings = check(behindPrivateNat({}));
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^the nodes of Stack\/Nodes in Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 have no internet egress/);
  });

  test('Private mode, the same with the endpoints: no finding', () => {
    const t = behindPrivateNat({});
    endpoints(t);
    expect(verdicts(check(t))).toEqual([]);
  });

  test('Public mode: the nodes cannot reach the public endpoint at all (was: a not-verifiable warning)', () => {
    expect(verdicts(check(behindPrivateNat({ mode: PUBLIC, cidrs: ['203.0.113.0/24'] })))).toEqual(['error PublicOnlyNodeEgress']);
  });
});

// Issue 19, item 7: a private NAT gateway is egress only where its chain of default routes ends at a Transit Gateway or a
// public NAT gateway (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)
describe('a private NAT gateway whose own subnet routes on to a NAT gateway', () => {
  /**
   * Public mode, open allow-list unless `cidrs`: the private subnets' default routes go to the private NAT gateway PNat in
   * NatSubnet (10.0.3.0/24), whose own default route goes to `onward` (a NAT gateway by reference or ID).
   */
  function chain(onward: Json, extra: (t: Template) => void = () => undefined, cidrs?: Json[]): Template {
    const t = base({ mode: PUBLIC, egress: 'isolated', ...(cidrs ? { cidrs } : {}) });
    subnet(t, 'NatSubnet', '10.0.3.0/24');
    t.Resources.PNat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('NatSubnet'), ConnectivityType: 'private' } };
    t.Resources.NatSubnetDefault = route('NatSubnetRt', '0.0.0.0/0', { NatGatewayId: onward });
    CLUSTER_TABLES.forEach((table, i) => (t.Resources[`Private${i + 1}Default`] = route(table, '0.0.0.0/0', { NatGatewayId: ref('PNat') })));
    extra(t);
    nodegroup(t);
    return t;
  }

  test('fails when it routes back to itself: a loop is no egress, even with an open allow-list (was: no finding)', () => {
    const findings = of(check(chain(ref('PNat'))), 'PublicOnlyNodeEgress');
    expect(verdicts(findings)).toEqual(['error PublicOnlyNodeEgress']);
    expect(findings[0].message).toMatch(/have no internet egress, so they cannot reach a public-only endpoint/);
  });

  test('fails when it routes to a second private NAT gateway that routes back to the first', () => {
    const t = chain(ref('PNat2'), (x) => {
      subnet(x, 'NatSubnet2', '10.0.4.0/24');
      x.Resources.PNat2 = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('NatSubnet2'), ConnectivityType: 'private' } };
      x.Resources.NatSubnet2Default = route('NatSubnet2Rt', '0.0.0.0/0', { NatGatewayId: ref('PNat') });
    });
    expect(verdicts(check(t), 'PublicOnlyNodeEgress')).toEqual(['error PublicOnlyNodeEgress']);
  });

  test('passes when it routes to a public NAT gateway whose address the allow-list holds: the traffic leaves from that address', () => {
    // the public NAT gateway `Nat` of clusterVpc(true), in the public subnet routed to the internet gateway
    const t = chain(ref('PublicNat'), (x) => {
      x.Resources.PublicNatEip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
      x.Resources.PublicNat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('PublicSubnet'), AllocationId: att('PublicNatEip', 'AllocationId') } };
    }, [sub('${PublicNatEip}/32')]);
    expect(verdicts(check(t))).toEqual([]);
  });

  test('fails when it routes to a public NAT gateway whose address the allow-list lacks, naming that address', () => {
    const t = chain(ref('PublicNat'), (x) => {
      x.Resources.PublicNatEip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
      x.Resources.PublicNat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('PublicSubnet'), AllocationId: att('PublicNatEip', 'AllocationId') } };
    }, ['203.0.113.0/24']);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error PublicOnlyNodeEgress']);
    expect(findings[0].message).toContain('the NAT gateway address Stack/PublicNatEip');
  });

  test('warns not verifiable when the chain reaches a NAT gateway the templates do not hold', () => {
    expect(verdicts(check(chain('nat-0123456789abcdef0', undefined, ['203.0.113.0/24'])))).toEqual(['unverified PublicOnlyNodeEgress']);
  });
});

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
// buildSubnet (network-model.ts): a subnet with no route table association uses the VPC's main route table
describe('a subnet with no route table association', () => {
  test('is not verifiable, not isolated: the main route table is in no template and can be changed outside CloudFormation', () => {
    const t = base({ egress: 'isolated' });
    delete t.Resources.PrivateSubnet1Assoc;
    delete t.Resources.PrivateSubnet2Assoc;
    nodegroup(t);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the routes of Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 \(the nodes of Stack\/Nodes\) are not in the templates given/);
  });

  test('while the same subnets associated with a table that has no default route are isolated: an error', () => {
    const t = base({ egress: 'isolated' });
    nodegroup(t);
    expect(verdicts(check(t))).toEqual(['error IsolatedNodeEndpoints']);
  });
});
