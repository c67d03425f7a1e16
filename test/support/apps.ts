import { App, Aspects, AspectPriority, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import * as eksV1 from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { PrivateResolutionCheck } from '../../lib';
import { ON_PREMISES } from './templates';
import { testApp } from './util';

/**
 * Small CDK apps for the check's tests, in the shapes the check must understand: an aws-eks-v2
 * `Cluster` or a raw `CfnCluster`, with the VPC in the same stack, in another stack, or
 * imported by IDs, and what the cases add to them (clients, peering, Resolver forwarding, a VPN).
 * Hand-written templates are in templates.ts, which loads no aws-cdk-lib.
 */
export type ClusterKind = 'eks-v2' | 'cfn';
export type VpcPlacement = 'same-stack' | 'cross-stack' | 'imported';
export type Mode = 'public' | 'public-and-private' | 'private';

export interface ScenarioOptions {
  readonly kind: ClusterKind;
  readonly vpcIn?: VpcPlacement;
  readonly mode: Mode;
  /** Public access CIDR blocks; default open. */
  readonly cidrs?: string[];
  /** VPC properties over a 2-AZ VPC with one NAT gateway and DNS on. */
  readonly vpc?: ec2.VpcProps;
  /** Where the node group goes; default the private subnets with egress. None: no node group. */
  readonly nodes?: ec2.SubnetType | 'none';
  /** Context for the app. */
  readonly context?: Record<string, unknown>;
}

export interface Scenario {
  readonly app: App;
  readonly clusterStack: Stack;
  readonly networkStack: Stack;
  /** The VPC, when it is built in the app. */
  readonly vpc?: ec2.Vpc;
  readonly ivpc: ec2.IVpc;
  readonly cluster: CfnResource;
  /** The aws-eks-v2 cluster, for kind 'eks-v2'. */
  readonly eksCluster?: eks.Cluster;
  /** The security group on the cluster's ENIs besides the one EKS creates. */
  readonly controlPlaneSg?: ec2.ISecurityGroup;
}

export const KINDS: ClusterKind[] = ['eks-v2', 'cfn'];
export const PLACEMENTS: VpcPlacement[] = ['same-stack', 'cross-stack'];

export function scenario(o: ScenarioOptions): Scenario {
  const app = testApp({ context: o.context });
  const placement = o.vpcIn ?? 'same-stack';
  const networkStack = new Stack(app, 'Network');
  const clusterStack = placement === 'cross-stack' ? new Stack(app, 'Platform') : networkStack;
  let vpc: ec2.Vpc | undefined;
  let ivpc: ec2.IVpc;
  if (placement === 'imported') {
    ivpc = ec2.Vpc.fromVpcAttributes(clusterStack, 'Imported', {
      vpcId: 'vpc-0abc', vpcCidrBlock: '10.9.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-pub1', 'subnet-pub2'], privateSubnetIds: ['subnet-priv1', 'subnet-priv2'],
    });
  } else {
    vpc = new ec2.Vpc(networkStack, 'Vpc', {
      maxAzs: 2, natGateways: 1, enableDnsSupport: true, enableDnsHostnames: true, restrictDefaultSecurityGroup: false, ...o.vpc,
    });
    ivpc = vpc;
  }
  const publicAccess = o.mode !== 'private';
  const privateAccess = o.mode !== 'public';
  const nodeSubnets = o.nodes === 'none' ? undefined : { subnetType: o.nodes ?? ec2.SubnetType.PRIVATE_WITH_EGRESS };
  const cidrs = o.cidrs ?? (publicAccess ? ['0.0.0.0/0'] : undefined);

  if (o.kind === 'eks-v2') {
    const endpointAccess = !publicAccess ? eks.EndpointAccess.PRIVATE
      : !privateAccess ? eks.EndpointAccess.PUBLIC : eks.EndpointAccess.PUBLIC_AND_PRIVATE;
    const eksCluster = new eks.Cluster(clusterStack, 'Cluster', {
      vpc: ivpc, vpcSubnets: [{ subnetType: privateSubnetType(ivpc) }], version: eks.KubernetesVersion.V1_34, endpointAccess,
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, defaultCapacity: 0,
    });
    const cfn = eksCluster.node.defaultChild as eks.CfnCluster;
    if (cidrs) cfn.addPropertyOverride('ResourcesVpcConfig.PublicAccessCidrs', cidrs);
    if (nodeSubnets) eksCluster.addNodegroupCapacity('Nodes', { subnets: nodeSubnets, minSize: 1 });
    return { app, clusterStack, networkStack, vpc, ivpc, cluster: cfn, eksCluster, controlPlaneSg: eksCluster.connections.securityGroups[1] };
  }

  const sg = new ec2.SecurityGroup(clusterStack, 'ControlPlaneSg', { vpc: ivpc });
  const cfn = new eks.CfnCluster(clusterStack, 'Cluster', {
    roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
    version: '1.34',
    resourcesVpcConfig: {
      subnetIds: ivpc.selectSubnets({ subnetType: privateSubnetType(ivpc) }).subnetIds,
      securityGroupIds: [sg.securityGroupId],
      endpointPublicAccess: publicAccess,
      endpointPrivateAccess: privateAccess,
      publicAccessCidrs: cidrs,
    },
  });
  if (nodeSubnets) {
    new eks.CfnNodegroup(clusterStack, 'Nodes', {
      clusterName: cfn.ref,
      nodeRole: 'arn:aws:iam::123456789012:role/eks-node',
      subnets: ivpc.selectSubnets(nodeSubnets).subnetIds,
    });
  }
  return { app, clusterStack, networkStack, vpc, ivpc, cluster: cfn, controlPlaneSg: sg };
}

function privateSubnetType(vpc: ec2.IVpc): ec2.SubnetType {
  return vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
}

/**
 * An instance that calls the API with an access entry, in the given VPC: the generic client
 * the check recognises on any cluster (it is how a raw CfnCluster gets clients).
 */
export function accessEntryClient(s: Scenario, id: string, options: { vpc?: ec2.IVpc; allowTo443?: boolean } = {}): ec2.Instance {
  const vpc = options.vpc ?? s.ivpc;
  const role = new iam.Role(s.clusterStack, `${id}Role`, { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  const instance = new ec2.Instance(s.clusterStack, id, {
    vpc,
    vpcSubnets: { subnetType: privateSubnetType(vpc) },
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    role,
  });
  new eks.CfnAccessEntry(s.clusterStack, `${id}Access`, { clusterName: s.cluster.ref, principalArn: role.roleArn });
  if (options.allowTo443) {
    new ec2.CfnSecurityGroupIngress(s.clusterStack, `${id}To443`, {
      groupId: s.cluster.getAtt('ClusterSecurityGroupId').toString(),
      sourceSecurityGroupId: instance.connections.securityGroups[0].securityGroupId,
      ipProtocol: 'tcp', fromPort: 443, toPort: 443,
    });
  }
  return instance;
}

export interface Reported {
  readonly level: 'error' | 'warning';
  readonly id: string;
  readonly message: string;
  readonly path: string;
}

/** Runs the Aspect on the app and returns what it reported, from every stack. */
export function aspectCheck(app: App): Reported[] {
  Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
  const assembly = app.synth();
  const reported: Reported[] = [];
  for (const stack of assembly.stacks) {
    for (const message of stack.messages) {
      const text = String(message.entry.data);
      const error = /^\[cdk-eks-endpoint:(\w+)\] (.*)$/s.exec(text);
      const warning = /^(.*) \[ack: cdk-eks-endpoint:(\w+)\]$/s.exec(text);
      if (message.level === 'error' && error) {
        reported.push({ level: 'error', id: error[1], message: error[2], path: message.id });
      } else if (message.level === 'warning' && warning) {
        reported.push({ level: 'warning', id: warning[2], message: warning[1], path: message.id });
      }
    }
  }
  return reported;
}

/** What one rule reported. */
export function byRule(reported: Reported[], id: string): Reported[] {
  return reported.filter((r) => r.id === id);
}

// ---- what the cases add to a scenario ----

/** A VPC whose only subnets are isolated (no NAT gateway). */
export const ISOLATED_VPC: ec2.VpcProps = {
  natGateways: 0,
  subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
};


/** Turns a DNS attribute off behind aws-eks-v2's back, with an escape hatch on the CfnVPC. */
export function withDns(vpc: ec2.Vpc, attribute: 'enableDnsHostnames' | 'enableDnsSupport', value: boolean): void {
  (vpc.node.defaultChild as ec2.CfnVPC)[attribute] = value;
}

/** The cluster VPC peered with a client VPC (10.50.0.0/16) in the network stack. */
export function peered(kind: ClusterKind, vpcIn: VpcPlacement, mode: Mode): Scenario & { peer: ec2.Vpc; peering: ec2.CfnVPCPeeringConnection } {
  const s = scenario({ kind, vpcIn, mode });
  const peer = new ec2.Vpc(s.networkStack, 'ClientVpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.50.0.0/16'), maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: false,
    subnetConfiguration: [{ name: 'Clients', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const peering = new ec2.CfnVPCPeeringConnection(s.networkStack, 'Peering', { vpcId: s.vpc!.vpcId, peerVpcId: peer.vpcId });
  return { ...s, peer, peering };
}

/** Routes for the client VPC in the cluster subnets' route tables, to the peering (`destination`: 10.50.0.0/16). */
export function routeBack(s: Scenario & { peering: ec2.CfnVPCPeeringConnection }, destination = '10.50.0.0/16'): void {
  s.vpc!.privateSubnets.forEach((subnet, i) => new ec2.CfnRoute(s.networkStack, `ToClients${i}`, {
    routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock: destination, vpcPeeringConnectionId: s.peering.ref,
  }));
}

/** The client side: a route for the cluster VPC's block (by reference, as CDK writes it) in the client subnets' route tables. */
export function routeFromClients(s: Scenario & { peer: ec2.Vpc; peering: ec2.CfnVPCPeeringConnection }): void {
  s.peer.isolatedSubnets.forEach((subnet, i) => new ec2.CfnRoute(s.networkStack, `FromClients${i}`, {
    routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock: s.vpc!.vpcCidrBlock, vpcPeeringConnectionId: s.peering.ref,
  }));
}

export function allow443FromClients(s: Scenario): void {
  new ec2.CfnSecurityGroupIngress(s.clusterStack, 'ClientsTo443', {
    groupId: s.cluster.getAtt('ClusterSecurityGroupId').toString(), cidrIp: '10.50.0.0/16', ipProtocol: 'tcp', fromPort: 443, toPort: 443,
  });
}

export interface ForwardingOptions {
  /** Whether the rule is associated with the client VPC. @default true */
  readonly associate?: boolean;
  /** The rule's DomainName. @default 'eu-west-1.eks.amazonaws.com' */
  readonly domainName?: string;
  /** Whether the inbound endpoint has fixed addresses (10.0.128.10, 10.0.192.10). @default true */
  readonly fixedAddresses?: boolean;
  /** The rule's target addresses. @default the inbound endpoint's first address */
  readonly targets?: string[];
}

/**
 * Resolver forwarding as EndpointCluster builds it, in the cluster's stack: an inbound endpoint in
 * the cluster VPC's private subnets (10.0.128.0/18, 10.0.192.0/18), an outbound endpoint beside it,
 * and a FORWARD rule to the inbound addresses, associated with the client VPC.
 */
export function resolverForwarding(s: Scenario & { peer: ec2.Vpc }, o: ForwardingOptions = {}): route53resolver.CfnResolverRule {
  const stack = s.clusterStack;
  const sg = new ec2.SecurityGroup(stack, 'ResolverSg', { vpc: s.vpc! });
  const addresses = ['10.0.128.10', '10.0.192.10'];
  new route53resolver.CfnResolverEndpoint(stack, 'Inbound', {
    direction: 'INBOUND', securityGroupIds: [sg.securityGroupId],
    ipAddresses: s.vpc!.privateSubnets.map((subnet, i) => ({ subnetId: subnet.subnetId, ip: o.fixedAddresses === false ? undefined : addresses[i] })),
  });
  const outbound = new route53resolver.CfnResolverEndpoint(stack, 'Outbound', {
    direction: 'OUTBOUND', securityGroupIds: [sg.securityGroupId],
    ipAddresses: s.vpc!.privateSubnets.map((subnet) => ({ subnetId: subnet.subnetId })),
  });
  const rule = new route53resolver.CfnResolverRule(stack, 'ForwardEks', {
    domainName: o.domainName ?? 'eu-west-1.eks.amazonaws.com', ruleType: 'FORWARD', resolverEndpointId: outbound.attrResolverEndpointId,
    targetIps: (o.targets ?? [addresses[0]]).map((ip) => ({ ip, port: '53' })),
  });
  if (o.associate ?? true) {
    new route53resolver.CfnResolverRuleAssociation(stack, 'ForwardEksClients', { resolverRuleId: rule.attrResolverRuleId, vpcId: s.peer.vpcId });
  }
  return rule;
}

/** The host name of the cluster's endpoint (`https://<host>`), as EndpointCluster writes the rule's DomainName. */
export function endpointHost(cluster: CfnResource): string {
  return Fn.select(2, Fn.split('/', cluster.getAtt('Endpoint').toString()));
}


/** A CDK app: the VPC with a virtual private gateway and a VPN connection with a static route, as examples/on-premises-vpn.ts builds it. */
export function vpnApp(kind: (typeof KINDS)[number], vpcIn: VpcPlacement, mode: Mode, propagateTo: ec2.SubnetType, allow443 = true, context?: Record<string, unknown>) {
  const s = scenario({
    kind, vpcIn, mode, context,
    vpc: {
      vpnGateway: true,
      vpnConnections: { onPremises: { ip: '198.51.100.10', staticRoutes: [ON_PREMISES] } },
      vpnRoutePropagation: [{ subnetType: propagateTo }],
    },
  });
  if (allow443) {
    new ec2.CfnSecurityGroupIngress(s.clusterStack, 'OnPremisesTo443', {
      groupId: s.cluster.getAtt('ClusterSecurityGroupId').toString(), cidrIp: ON_PREMISES, ipProtocol: 'tcp', fromPort: 443, toPort: 443,
    });
  }
  return s;
}

/**
 * An aws-eks-v2 cluster with hybrid nodes (remote node network 192.168.0.0/16, pods 172.16.0.0/16)
 * in a two-AZ VPC, judged by the Aspect; `complete` adds what they need: a Transit Gateway attached
 * to the private subnets, routes for both networks to it, and TCP 443 from both.
 */
export function hybridEksApp(endpointAccess: eks.EndpointAccess, complete: boolean): ReturnType<typeof aspectCheck> {
  const app = testApp();
  const stack = new Stack(app, 'Hybrid');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    vpc, vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }], version: eks.KubernetesVersion.V1_34, endpointAccess,
    defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, defaultCapacity: 0,
    remoteNodeNetworks: [{ cidrs: ['192.168.0.0/16'] }], remotePodNetworks: [{ cidrs: ['172.16.0.0/16'] }],
  });
  if (complete) {
    const tgw = new ec2.CfnTransitGateway(stack, 'Tgw', {});
    new ec2.CfnTransitGatewayAttachment(stack, 'TgwAttachment', {
      transitGatewayId: tgw.ref, vpcId: vpc.vpcId, subnetIds: vpc.privateSubnets.map((s) => s.subnetId),
    });
    for (const cidr of ['192.168.0.0/16', '172.16.0.0/16']) {
      cluster.clusterSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'Kubernetes API from on-premises');
      vpc.privateSubnets.forEach((s, i) => new ec2.CfnRoute(stack, `OnPrem${cidr.split('.')[0]}${i}`, {
        routeTableId: s.routeTable.routeTableId, destinationCidrBlock: cidr, transitGatewayId: tgw.ref,
      }));
    }
  }
  return aspectCheck(app);
}

/**
 * The CDK-app cases of a rule built on vpc-attribute-rule.ts (VpcDnsSupport, VpcDnsHostnames): on
 * each kind of cluster and VPC placement, passes with the attribute on, fails with it off and
 * private access on, passes on a public-only endpoint, warns on an imported VPC and on a
 * deploy-time value. `message` is what the failure says.
 */
export function describeVpcAttributeRule(id: string, attribute: 'enableDnsHostnames' | 'enableDnsSupport', message: RegExp): void {
  describe(id, () => {
    describe.each(KINDS)('on a %s cluster', (kind) => {
      test.each(PLACEMENTS)('with the VPC in the %s: passes with it on', (vpcIn) => {
        const s = scenario({ kind, vpcIn, mode: 'private' });
        expect(byRule(aspectCheck(s.app), id)).toEqual([]);
      });

      test.each(PLACEMENTS)('with the VPC in the %s: fails with it off and private access on', (vpcIn) => {
        const s = scenario({ kind, vpcIn, mode: 'public-and-private' });
        withDns(s.vpc!, attribute, false);
        const found = byRule(aspectCheck(s.app), id);
        expect(found).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(message) })]);
        expect(found[0].path).toMatch(/Cluster/);
      });

      test('passes with it off when only the public endpoint is on', () => {
        const s = scenario({ kind, mode: 'public' });
        withDns(s.vpc!, attribute, false);
        expect(byRule(aspectCheck(s.app), id)).toEqual([]);
      });

      test('warns, not fails, on an imported VPC: not verifiable, with the command to confirm', () => {
        const s = scenario({ kind, vpcIn: 'imported', mode: 'private' });
        expect(byRule(aspectCheck(s.app), id)).toEqual([expect.objectContaining({
          level: 'warning',
          message: expect.stringMatching(new RegExp(`^Not verifiable at synth: .*describe-vpc-attribute --attribute ${attribute}`)),
        })]);
      });
    });

    test('warns when the attribute is a deploy-time value', () => {
      const s = scenario({ kind: 'cfn', mode: 'private' });
      const vpc = s.vpc!.node.defaultChild as ec2.CfnVPC;
      vpc.addPropertyOverride(attribute[0].toUpperCase() + attribute.slice(1), { 'Fn::ImportValue': 'DnsFlag' });
      expect(byRule(aspectCheck(s.app), id)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/deploy-time value/) })]);
    });
  });
}

export interface V1AppOptions {
  readonly mode: Mode;
  /** A bastion instance in the private subnets whose role is mapped in aws-auth (addMastersRole), with or without TCP 443 into the cluster security group. */
  readonly bastion?: 'with-443' | 'without-443';
  /** endpointAccess's allow-list, for public modes. @default - open */
  readonly cidrs?: string[];
}

/**
 * An aws-eks (v1) app: a `Cluster` (Custom::AWSCDK-EKS-Cluster, its kubectl handler in a nested
 * stack, placed in the VPC when private access is on) in a two-AZ VPC with one NAT gateway, a
 * managed node group, and optionally a bastion granted access through aws-auth, as v1 apps do.
 */
export function v1App(o: V1AppOptions): { app: App; stack: Stack; cluster: eksV1.Cluster } {
  const app = testApp();
  const stack = new Stack(app, 'V1');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  const access = o.mode === 'private' ? eksV1.EndpointAccess.PRIVATE : o.mode === 'public' ? eksV1.EndpointAccess.PUBLIC : eksV1.EndpointAccess.PUBLIC_AND_PRIVATE;
  const cluster = new eksV1.Cluster(stack, 'Cluster', {
    vpc, version: eksV1.KubernetesVersion.V1_34, kubectlLayer: new KubectlV34Layer(stack, 'Kubectl'), defaultCapacity: 0,
    endpointAccess: o.cidrs && o.mode !== 'private' ? access.onlyFrom(...o.cidrs) : access,
  });
  cluster.addNodegroupCapacity('Nodes', { minSize: 1 });
  if (o.bastion) {
    const role = new iam.Role(stack, 'BastionRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const bastion = new ec2.Instance(stack, 'Bastion', {
      vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(), role,
    });
    cluster.awsAuth.addMastersRole(role);
    if (o.bastion === 'with-443') cluster.clusterSecurityGroup.addIngressRule(bastion.connections.securityGroups[0], ec2.Port.tcp(443), 'kubectl from the bastion');
  }
  return { app, stack, cluster };
}

/**
 * A private aws-eks (v1) cluster in one stack and, in another, the cluster imported by
 * `Cluster.fromClusterAttributes` (by its name, through CDK's export) to apply a manifest: the
 * imported cluster's own kubectl provider runs outside any VPC unless `kubectlPrivateSubnetIds`
 * and `kubectlSecurityGroupId` place it (aws-cdk issues 9542, 10036).
 */
export function v1ImportedKubectlApp(placed: boolean): App {
  const { app, cluster } = v1App({ mode: 'private' });
  const apps = new Stack(app, 'Apps');
  const imported = eksV1.Cluster.fromClusterAttributes(apps, 'Imported', {
    clusterName: cluster.clusterName, kubectlRoleArn: cluster.kubectlRole!.roleArn, kubectlLayer: new KubectlV34Layer(apps, 'Kubectl'),
    ...(placed ? { vpc: cluster.vpc, kubectlPrivateSubnetIds: cluster.vpc.privateSubnets.map((s) => s.subnetId), kubectlSecurityGroupId: cluster.clusterSecurityGroupId } : {}),
  });
  imported.addManifest('Settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { stage: 'prod' } });
  return app;
}

/**
 * What a platform team adds beside an `EndpointCluster` with connected networks: a Transit Gateway,
 * the cluster VPC's attachment (in its private or isolated subnets) and, in every route table of the
 * VPC's subnets, a route for each connected block to it. ConnectedNetworkRoute then finds every block routed.
 */
export function routeConnectedThroughTransitGateway(vpc: ec2.IVpc, cidrs: string[]): void {
  const stack = Stack.of(vpc);
  const tgw = new ec2.CfnTransitGateway(stack, 'ConnectedTgw', {});
  const inside = vpc.privateSubnets.length > 0 ? vpc.privateSubnets : vpc.isolatedSubnets;
  const attachment = new ec2.CfnTransitGatewayAttachment(stack, 'ConnectedTgwAttachment', {
    transitGatewayId: tgw.ref, vpcId: vpc.vpcId, subnetIds: inside.map((s) => s.subnetId),
  });
  [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets].forEach((subnet, i) => cidrs.forEach((cidr, j) => {
    new ec2.CfnRoute(stack, `ToConnected${i}x${j}`, { routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock: cidr, transitGatewayId: tgw.ref })
      .addResourceDependency(attachment);
  }));
}
