import { CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { cidrContains } from '../../private/cidr';
import { ClusterBastion } from '../../cluster-bastion';
import { CfnIndex, IndexedResource } from '../../private/cfn-index';

/** A fact read at synth time: known to be true, known to be false, or not knowable. */
export type Fact = boolean | 'unknown';

/** How a subnet reaches the internet, from its route table's default route. */
export type Egress = 'nat' | 'igw' | 'tgw' | 'other' | 'none' | 'unknown';

/** A subnet as the checks see it. */
export interface SubnetView {
  /** The subnet ID, or the construct path of a subnet in the app. */
  readonly display: string;
  /** The subnet resource, when it is in the app; undefined for an imported subnet. */
  readonly resource?: IndexedResource;
  readonly vpc?: VpcView;
  /** The literal CIDR block, when known. */
  readonly cidr?: string;
  readonly egress: Egress;
  /** For NAT egress: the NAT gateway's EIP resource, when it is in the app. */
  readonly natEip?: IndexedResource;
  /** The routes of the subnet's route table (empty when unknown). */
  readonly routes: IndexedResource[];
  /** The route table resource, when known. */
  readonly routeTable?: IndexedResource;
}

/** A connection from the cluster VPC to other networks. */
export interface ConnectionView {
  readonly kind: 'peering' | 'transit-gateway';
  readonly display: string;
  readonly resource: IndexedResource;
  /** The other VPC, when it is in the app. */
  readonly peerVpc?: VpcView;
  /** For a Transit Gateway attachment: the gateway ID value (reference or literal). */
  readonly transitGatewayId?: unknown;
}

/** A VPC as the checks see it. */
export interface VpcView {
  readonly display: string;
  /** The VPC resource, when it is in the app; undefined for an imported VPC. */
  readonly resource?: IndexedResource;
  readonly dnsSupport: Fact;
  readonly dnsHostnames: Fact;
  /** DNS servers of an associated DHCP options set: undefined for the default set, 'unknown' when not readable. */
  readonly dhcpServers?: string[] | 'unknown';
  readonly dhcpOptions?: IndexedResource;
  readonly cidr?: string;
  readonly endpoints: IndexedResource[];
  readonly inboundResolvers: IndexedResource[];
  readonly connections: ConnectionView[];
}

/** Something known to call the Kubernetes API. */
export interface ClientView {
  readonly display: string;
  readonly kind: 'ClusterBastion' | 'BastionHostLinux' | 'access entry';
  /** The instance or Lambda function. */
  readonly instance: IndexedResource;
  readonly subnet?: SubnetView;
  /** Security group values of the instance (references or literal IDs). */
  readonly securityGroups: unknown[];
  /** The client's VPC: its view, or the literal ID of an imported VPC. */
  readonly vpcKey?: VpcView | string;
  /** True for a Lambda function that runs in no VPC: it reaches only public endpoints. */
  readonly outsideVpc: boolean;
}

/** One EKS cluster and its network, built once and read by every rule. */
export interface ClusterView {
  readonly resource: IndexedResource;
  readonly model: NetworkModel;
  readonly index: CfnIndex;
  readonly display: string;
  readonly publicAccess: Fact;
  readonly privateAccess: Fact;
  /** The public allow-list as rendered: values may be references; 'unknown' when the list itself is a token. */
  readonly publicAccessCidrs: unknown[] | 'unknown';
  readonly vpc?: VpcView;
  /** Peering connections and Transit Gateway attachments of the cluster VPC, in the app or imported. */
  readonly connections: ConnectionView[];
  /** How to name the VPC in a message. */
  readonly vpcDisplay: string;
  readonly subnets: SubnetView[];
  /** The security groups on the EKS-owned ENIs: the cluster security group and the additional ones. */
  readonly controlPlaneSecurityGroups: unknown[];
  readonly nodeSubnets: SubnetView[];
  /** Known API clients in the cluster VPC. */
  readonly clients: ClientView[];
  /** Known API clients in other VPCs. */
  readonly remoteClients: ClientView[];
  /** Known API clients in no VPC at all (a Lambda function without VpcConfig). */
  readonly outsideClients: ClientView[];
  readonly properties: Record<string, any>;
}

/** The interface endpoints nodes need without internet egress; `s3` as a gateway (or interface) endpoint. */
export const NODE_ENDPOINTS = ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 's3'];
/** What Session Manager needs on a bastion without internet egress. */
export const SESSION_MANAGER_ENDPOINTS = ['ssm', 'ssmmessages', 'ec2messages'];

/**
 * The network model of an app, from its CloudFormation resources. Views of VPCs and subnets
 * are built once and shared by all clusters; each cluster's view is built once and shared by
 * all rules.
 */
export class NetworkModel {
  private readonly vpcs = new Map<CfnResource, VpcView>();
  private readonly subnets = new Map<CfnResource, SubnetView>();
  private readonly clusters = new Map<CfnResource, ClusterView>();

  constructor(public readonly index: CfnIndex, private readonly root: IConstruct) {}

  public cluster(resource: CfnResource): ClusterView {
    let view = this.clusters.get(resource);
    if (!view) {
      view = this.buildCluster(this.index.get(resource)!);
      this.clusters.set(resource, view);
    }
    return view;
  }

  private buildCluster(cluster: IndexedResource): ClusterView {
    const props = cluster.properties;
    const vpcConfig = props.ResourcesVpcConfig ?? {};
    const subnets = asList(vpcConfig.SubnetIds).map((s) => this.subnet(s));
    const vpc = subnets.find((s) => s.vpc)?.vpc;
    const sgIds = asList(vpcConfig.SecurityGroupIds);
    const importedVpcId = this.literalVpcId(sgIds);

    const nodegroups = this.index.referrers('AWS::EKS::Nodegroup', 'ClusterName', cluster.resource);
    const nodeSubnets = nodegroups.flatMap((ng) => asList(ng.properties.Subnets).map((s) => this.subnet(s)));

    const clients = this.clientsOf(cluster);
    const vpcKey = vpc ?? importedVpcId;
    const inVpc = (c: ClientView) => vpcKey !== undefined && c.vpcKey === vpcKey;
    return {
      resource: cluster,
      model: this,
      index: this.index,
      display: displayPath(cluster.resource),
      publicAccess: this.fact(vpcConfig.EndpointPublicAccess, true),
      privateAccess: this.fact(vpcConfig.EndpointPrivateAccess, false),
      publicAccessCidrs: vpcConfig.PublicAccessCidrs === undefined ? ['0.0.0.0/0']
        : Array.isArray(vpcConfig.PublicAccessCidrs) ? vpcConfig.PublicAccessCidrs : 'unknown',
      vpc,
      connections: vpc?.connections ?? (importedVpcId ? this.connections((value) => value === importedVpcId) : []),
      vpcDisplay: vpc?.display ?? (importedVpcId ? `imported VPC ${importedVpcId}` : 'the cluster\'s VPC (not in this app)'),
      subnets,
      controlPlaneSecurityGroups: [clusterSecurityGroupKey(cluster.resource), ...sgIds],
      nodeSubnets,
      clients: clients.filter(inVpc),
      remoteClients: clients.filter((c) => !inVpc(c) && c.vpcKey !== undefined && vpcKey !== undefined),
      outsideClients: clients.filter((c) => c.outsideVpc),
      properties: props,
    };
  }

  /** A boolean property: its value, the CloudFormation default when absent, 'unknown' when a token. */
  public fact(value: unknown, whenAbsent: boolean): Fact {
    if (value === undefined) return whenAbsent;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return 'unknown';
  }

  public subnet(value: unknown): SubnetView {
    const found = this.index.deref(value, 'AWS::EC2::Subnet');
    if (!found) {
      return { display: this.index.describe(value), egress: 'unknown', routes: [] };
    }
    let view = this.subnets.get(found.resource);
    if (!view) {
      view = this.buildSubnet(found);
      this.subnets.set(found.resource, view);
    }
    return view;
  }

  private buildSubnet(subnet: IndexedResource): SubnetView {
    const vpc = this.vpc(subnet.properties.VpcId);
    const association = this.index.referrers('AWS::EC2::SubnetRouteTableAssociation', 'SubnetId', subnet.resource)[0];
    const routeTable = association ? this.index.deref(association.properties.RouteTableId, 'AWS::EC2::RouteTable') : undefined;
    const routes = routeTable ? this.routesOf(routeTable) : [];
    let egress: Egress;
    let natEip: IndexedResource | undefined;
    if (association && !routeTable) {
      egress = 'unknown';
    } else {
      const defaultRoute = routes.find((r) => r.properties.DestinationCidrBlock === '0.0.0.0/0');
      const p = defaultRoute?.properties ?? {};
      if (!defaultRoute) {
        egress = vpc?.resource && routes.every((r) => this.isPrivateDestination(r.properties)) ? 'none' : 'unknown';
      } else if (p.NatGatewayId !== undefined) {
        egress = 'nat';
        const nat = this.index.deref(p.NatGatewayId, 'AWS::EC2::NatGateway');
        natEip = nat ? this.index.deref(nat.properties.AllocationId, 'AWS::EC2::EIP') : undefined;
      } else if (p.GatewayId !== undefined) {
        const gateway = this.index.deref(p.GatewayId);
        egress = gateway?.type === 'AWS::EC2::InternetGateway' || /^igw-/.test(String(p.GatewayId)) ? 'igw' : 'other';
      } else if (p.TransitGatewayId !== undefined) {
        egress = 'tgw';
      } else {
        egress = 'other';
      }
    }
    return {
      display: displayPath(subnet.resource),
      resource: subnet,
      vpc,
      cidr: typeof subnet.properties.CidrBlock === 'string' && !this.index.isOpaque(subnet.properties.CidrBlock) ? subnet.properties.CidrBlock : undefined,
      egress,
      natEip,
      routes,
      routeTable,
    };
  }

  public vpc(value: unknown): VpcView | undefined {
    const found = this.index.deref(value, 'AWS::EC2::VPC');
    if (!found) {
      return undefined;
    }
    let view = this.vpcs.get(found.resource);
    if (!view) {
      // register first: connections point back at this VPC
      const partial = { display: displayPath(found.resource), resource: found } as VpcView;
      this.vpcs.set(found.resource, partial);
      Object.assign(partial, this.buildVpc(found));
      view = partial;
    }
    return view;
  }

  private buildVpc(vpc: IndexedResource): Omit<VpcView, 'display' | 'resource'> {
    const p = vpc.properties;
    const association = this.index.referrers('AWS::EC2::VPCDHCPOptionsAssociation', 'VpcId', vpc.resource)[0];
    let dhcpServers: string[] | 'unknown' | undefined;
    let dhcpOptions: IndexedResource | undefined;
    if (association && association.properties.DhcpOptionsId !== 'default') {
      dhcpOptions = this.index.deref(association.properties.DhcpOptionsId, 'AWS::EC2::DHCPOptions');
      const servers = dhcpOptions?.properties.DomainNameServers;
      dhcpServers = Array.isArray(servers) && !this.index.isOpaque(servers) ? servers
        : dhcpOptions && servers === undefined ? [] : 'unknown';
    }
    const subnetInVpc = (s: unknown) => this.index.deref(s, 'AWS::EC2::Subnet') !== undefined
      && this.sameRef(this.index.deref(s, 'AWS::EC2::Subnet')!.properties.VpcId, vpc);
    const connections = this.connections((value) => this.sameRef(value, vpc), vpc.resource);
    return {
      dnsSupport: this.fact(p.EnableDnsSupport, true),
      dnsHostnames: this.fact(p.EnableDnsHostnames, false),
      dhcpServers,
      dhcpOptions,
      cidr: typeof p.CidrBlock === 'string' && !this.index.isOpaque(p.CidrBlock) ? p.CidrBlock : undefined,
      endpoints: this.index.referrers('AWS::EC2::VPCEndpoint', 'VpcId', vpc.resource),
      inboundResolvers: this.index.ofType('AWS::Route53Resolver::ResolverEndpoint')
        .filter((e) => e.properties.Direction === 'INBOUND' && asList(e.properties.IpAddresses).some((ip: any) => subnetInVpc(ip?.SubnetId))),
      connections,
    };
  }

  /**
   * Peering connections and Transit Gateway attachments of a VPC: one in the app (found through
   * the referrer index) or an imported one, matched by its literal ID.
   */
  private connections(isThisVpc: (value: unknown) => boolean, resource?: CfnResource): ConnectionView[] {
    const referring = (type: string, property: string) => resource
      ? this.index.referrers(type, property, resource)
      : this.index.ofType(type).filter((r) => isThisVpc(r.properties[property]));
    return [
      ...[...referring('AWS::EC2::VPCPeeringConnection', 'VpcId'), ...referring('AWS::EC2::VPCPeeringConnection', 'PeerVpcId')]
        .map((pc) => ({
          kind: 'peering' as const,
          display: displayPath(pc.resource),
          resource: pc,
          peerVpc: this.vpc(isThisVpc(pc.properties.VpcId) ? pc.properties.PeerVpcId : pc.properties.VpcId),
        })),
      ...[...referring('AWS::EC2::TransitGatewayAttachment', 'VpcId'), ...referring('AWS::EC2::TransitGatewayVpcAttachment', 'VpcId')]
        .map((a) => ({ kind: 'transit-gateway' as const, display: displayPath(a.resource), resource: a, transitGatewayId: a.properties.TransitGatewayId })),
    ];
  }

  /**
   * Whether a route (other than 0.0.0.0/0) certainly does not lead to the internet: a literal
   * IPv4 destination inside private or shared address space. IPv6 routes do not count for IPv4
   * egress. A split default route (0.0.0.0/1 and 128.0.0.0/1), a prefix list or a token could.
   */
  private isPrivateDestination(route: Record<string, any>): boolean {
    if (route.DestinationCidrBlock === undefined) {
      return route.DestinationIpv6CidrBlock !== undefined && route.DestinationPrefixListId === undefined;
    }
    return ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']
      .some((range) => cidrContains(range, route.DestinationCidrBlock) === true);
  }

  /** Known API clients of a cluster, anywhere in the app. */
  private clientsOf(cluster: IndexedResource): ClientView[] {
    const found = new Map<IndexedResource, ClientView['kind']>();
    for (const [instance, target] of this.bastions()) {
      if (target === 'BastionHostLinux' || target === cluster.resource) {
        found.set(instance, target === 'BastionHostLinux' ? target : 'ClusterBastion');
      }
    }
    for (const entry of this.index.referrers('AWS::EKS::AccessEntry', 'ClusterName', cluster.resource)) {
      const role = this.index.deref(entry.properties.PrincipalArn, 'AWS::IAM::Role');
      for (const instance of role ? this.computeByRole().get(role.resource) ?? [] : []) {
        if (!found.has(instance)) found.set(instance, 'access entry');
      }
    }
    return [...found].map(([instance, kind]) => this.client(instance, kind));
  }

  private client(compute: IndexedResource, kind: ClientView['kind']): ClientView {
    const p = compute.properties;
    let subnetId: unknown;
    let securityGroups: unknown[];
    let outsideVpc = false;
    if (compute.type === 'AWS::Lambda::Function') {
      subnetId = asList(p.VpcConfig?.SubnetIds)[0];
      securityGroups = asList(p.VpcConfig?.SecurityGroupIds);
      outsideVpc = p.VpcConfig === undefined;
    } else {
      const nic = asList(p.NetworkInterfaces)[0] ?? {};
      subnetId = p.SubnetId ?? nic.SubnetId;
      securityGroups = [...asList(p.SecurityGroupIds), ...asList(p.SecurityGroups), ...asList(nic.GroupSet)];
    }
    const subnet = subnetId !== undefined ? this.subnet(subnetId) : undefined;
    return {
      display: displayPath(compute.resource),
      kind,
      instance: compute,
      subnet,
      securityGroups,
      vpcKey: subnet?.vpc ?? this.literalVpcId(securityGroups),
      outsideVpc,
    };
  }

  private bastionList?: Array<[IndexedResource, CfnResource | 'BastionHostLinux']>;

  /** Instances inside a ClusterBastion (with its cluster) or an aws-ec2 BastionHostLinux, found in the tree once. */
  private bastions(): Array<[IndexedResource, CfnResource | 'BastionHostLinux']> {
    if (!this.bastionList) {
      this.bastionList = [];
      for (const instance of this.index.ofType('AWS::EC2::Instance')) {
        for (let scope: IConstruct | undefined = instance.resource.node.scope; scope && scope !== this.root; scope = scope.node.scope) {
          if (scope instanceof ClusterBastion) {
            const target = scope.cluster.node.defaultChild;
            if (target instanceof CfnResource) this.bastionList.push([instance, target]);
            break;
          }
          if (scope instanceof ec2.BastionHostLinux) {
            this.bastionList.push([instance, 'BastionHostLinux']);
            break;
          }
        }
      }
    }
    return this.bastionList;
  }

  private roleCompute?: Map<CfnResource, IndexedResource[]>;

  /** Instances (by their instance profile's role) and Lambda functions (by their role), built once. */
  private computeByRole(): Map<CfnResource, IndexedResource[]> {
    if (!this.roleCompute) {
      const map = new Map<CfnResource, IndexedResource[]>();
      const add = (role: CfnResource | undefined, compute: IndexedResource) => {
        if (role) map.set(role, [...(map.get(role) ?? []), compute]);
      };
      for (const instance of this.index.ofType('AWS::EC2::Instance')) {
        const profile = this.index.deref(instance.properties.IamInstanceProfile, 'AWS::IAM::InstanceProfile');
        asList(profile?.properties.Roles).forEach((r) => add(this.index.deref(r)?.resource, instance));
      }
      for (const fn of this.index.ofType('AWS::Lambda::Function')) {
        add(this.index.deref(fn.properties.Role, 'AWS::IAM::Role')?.resource, fn);
      }
      this.roleCompute = map;
    }
    return this.roleCompute;
  }

  /** The routes of a route table. */
  public routesOf(routeTable: IndexedResource): IndexedResource[] {
    return this.index.referrers('AWS::EC2::Route', 'RouteTableId', routeTable.resource);
  }

  /** The literal VPC ID of the first security group (in the app) that names one: how an imported VPC is recognised. */
  private literalVpcId(securityGroups: unknown[]): string | undefined {
    return securityGroups.map((sg) => this.index.deref(sg, 'AWS::EC2::SecurityGroup')?.properties.VpcId)
      .find((id): id is string => typeof id === 'string' && !this.index.isOpaque(id));
  }

  /** Whether a value is a reference to `target` (any attribute). */
  public sameRef(value: unknown, target: IndexedResource): boolean {
    return this.index.refOf(value)?.resource === target.resource;
  }

  /** A key for a security group value: the referenced resource (or cluster SG attribute), else the literal. */
  public securityGroupKey(value: unknown): unknown {
    const ref = this.index.refOf(value);
    if (ref?.resource?.cfnResourceType === 'AWS::EKS::Cluster' && ref.attribute === 'ClusterSecurityGroupId') {
      return clusterSecurityGroupKey(ref.resource);
    }
    return ref?.resource ?? value;
  }

  /** Ingress rules into a security group key: inline ones and separate resources. */
  public ingressInto(key: unknown): Array<Record<string, any>> {
    const rules: Array<Record<string, any>> = [];
    if (key instanceof CfnResource) {
      rules.push(...asList(this.index.get(key)?.properties.SecurityGroupIngress));
    }
    rules.push(...this.separateRules('AWS::EC2::SecurityGroupIngress', key).map((r) => r.properties));
    return rules;
  }

  /** Separate ingress or egress resources for a security group key. */
  private separateRules(type: string, key: unknown): IndexedResource[] {
    if (key instanceof ClusterSecurityGroup || key instanceof CfnResource) {
      const target = key instanceof ClusterSecurityGroup ? key.cluster : key;
      return this.index.referrers(type, 'GroupId', target).filter((r) => this.securityGroupKey(r.properties.GroupId) === key);
    }
    return this.index.ofType(type).filter((r) => this.securityGroupKey(r.properties.GroupId) === key);
  }

  /** Egress rules of a security group resource; undefined when it has none set (CloudFormation then allows all). */
  public egressOf(key: unknown): Array<Record<string, any>> | 'unknown' {
    if (!(key instanceof CfnResource)) {
      return 'unknown';
    }
    const inline = this.index.get(key)?.properties.SecurityGroupEgress;
    const separate = this.separateRules('AWS::EC2::SecurityGroupEgress', key);
    // Without inline egress, EC2 gives the group its allow-all egress rule, and separate
    // AWS::EC2::SecurityGroupEgress resources add to it; inline egress replaces it.
    const base = inline === undefined ? [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] : asList(inline);
    return [...base, ...separate.map((e) => e.properties)];
  }
}

/** How to name a resource in a message: the path of its L2 construct when it is one's default child. */
export function displayPath(resource: IConstruct): string {
  const parent = resource.node.scope;
  return parent && parent.node.defaultChild === resource ? parent.node.path : resource.node.path;
}

/** A stand-in key for the security group EKS creates for a cluster. */
class ClusterSecurityGroup {
  constructor(public readonly cluster: CfnResource) {}
}
const clusterSgKeys = new WeakMap<CfnResource, ClusterSecurityGroup>();
function clusterSecurityGroupKey(cluster: CfnResource): ClusterSecurityGroup {
  let key = clusterSgKeys.get(cluster);
  if (!key) {
    key = new ClusterSecurityGroup(cluster);
    clusterSgKeys.set(cluster, key);
  }
  return key;
}

/** Whether a security group rule lets TCP 443 through. */
export function allows443(rule: Record<string, any>): boolean {
  const protocol = String(rule.IpProtocol);
  if (protocol === '-1' || protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  const from = Number(rule.FromPort);
  const to = Number(rule.ToPort);
  return Number.isFinite(from) && Number.isFinite(to) && from <= 443 && 443 <= to;
}

/** Whether a literal CIDR source covers a literal block; 'unknown' when either is not literal. */
export function cidrCovers(source: unknown, block: string | undefined): Fact {
  if (source === undefined) return false;
  const contains = cidrContains(source, block ?? '');
  return contains === undefined ? 'unknown' : contains;
}

/** A CloudFormation list property as an array (absent: empty). */
export function asList(value: unknown): any[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** Services the rules look for, longest first so that `ecr.api` wins over `api`. */
const KNOWN_SERVICES = [...NODE_ENDPOINTS, ...SESSION_MANAGER_ENDPOINTS, 'logs', 'elasticloadbalancing', 'autoscaling', 'eks-auth', 'eks']
  .sort((a, b) => b.length - a.length);

/** The service of a VPC endpoint, from the end of its service name (`com.amazonaws.<region>.ecr.api` is `ecr.api`). */
export function endpointService(index: CfnIndex, endpoint: IndexedResource): string | undefined {
  const name = index.describe(endpoint.properties.ServiceName);
  return KNOWN_SERVICES.find((service) => name.endsWith(`.${service}`));
}

/** Whether a client can open TCP 443 to the EKS-owned ENIs: its egress and their ingress. */
export function apiPath(model: NetworkModel, cluster: ClusterView, client: ClientView): Fact {
  const targets = cluster.controlPlaneSecurityGroups.map((sg) => model.securityGroupKey(sg));
  const sources = client.securityGroups.map((sg) => model.securityGroupKey(sg));
  const clusterSg = targets[0];
  if (sources.includes(clusterSg)) {
    return true; // the cluster security group allows all traffic from its own members
  }
  const clientCidr = client.subnet?.cidr;
  let ingress: Fact = false;
  for (const target of targets) {
    const rules = model.ingressInto(target);
    if (!(target instanceof CfnResource) && target !== clusterSg) {
      ingress = ingress === true ? true : 'unknown'; // an imported group may have rules made elsewhere
    }
    for (const rule of rules.filter(allows443)) {
      if (rule.SourceSecurityGroupId !== undefined) {
        const source = model.securityGroupKey(rule.SourceSecurityGroupId);
        if (sources.includes(source)) return egressTo(model, sources, targets, cluster);
        if (!(source instanceof CfnResource) && sources.some((s) => !(s instanceof CfnResource))) ingress = ingress === true ? true : 'unknown';
      } else if (rule.CidrIp !== undefined) {
        const covers = rule.CidrIp === '0.0.0.0/0' ? true : cidrCovers(rule.CidrIp, clientCidr);
        if (covers === true) return egressTo(model, sources, targets, cluster);
        if (covers === 'unknown') ingress = ingress === true ? true : 'unknown';
      } else if (rule.SourcePrefixListId !== undefined) {
        ingress = ingress === true ? true : 'unknown';
      }
    }
  }
  if (sources.some((s) => !(s instanceof CfnResource)) && ingress === false) {
    return 'unknown'; // an imported client group could be the cluster group itself
  }
  return ingress;
}

function egressTo(model: NetworkModel, sources: unknown[], targets: unknown[], cluster: ClusterView): Fact {
  let result: Fact = false;
  for (const source of sources) {
    const rules = model.egressOf(source);
    if (rules === 'unknown') {
      result = 'unknown';
      continue;
    }
    for (const rule of rules.filter(allows443)) {
      if (rule.CidrIp === '0.0.0.0/0' || rule.DestinationSecurityGroupId !== undefined && targets.includes(model.securityGroupKey(rule.DestinationSecurityGroupId))) {
        return true;
      }
      if (rule.DestinationPrefixListId !== undefined) {
        result = 'unknown';
        continue;
      }
      if (rule.CidrIp !== undefined) {
        const covers = cluster.subnets.every((s) => cidrCovers(rule.CidrIp, s.cidr) === true);
        if (covers) return true;
        result = 'unknown';
      }
    }
  }
  return result;
}
