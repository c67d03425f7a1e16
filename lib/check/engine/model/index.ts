import { cidrContains, parseCidr, REMOTE_NETWORK_RANGES } from '../../../shared/cidr';
import { CLIENT_METADATA_KEY, CLUSTER_BASTION_CLIENT } from '../../../shared/client-metadata';
import { AUTO_MODE_ENDPOINTS, FARGATE_ENDPOINTS, knownServiceOf, NODE_ENDPOINTS } from '../../../shared/endpoint-services';
import { refersTo, refOf, ResourceIndex } from '../template/resource-index';
import { Resource } from '../template/template-set';
import { asList, at, describe, Fact, isOpaque, isRecord, literal, sameValue, Text, toFact, toList, unique, Unknown, Value } from '../template/value';

export { Fact } from '../template/value';

/** How a subnet reaches the internet, from its route table's default route. */
export type Egress = 'nat' | 'igw' | 'tgw' | 'other' | 'none' | 'unknown';


/** A subnet as the checks see it. */
export interface SubnetView {
  /** The subnet's construct path or logical ID, or the value given for an imported subnet. */
  readonly display: string;
  /** The subnet resource, when it is in the templates; undefined for an imported subnet. */
  readonly resource?: Resource;
  readonly vpc?: VpcView;
  /** The literal CIDR block, when known. */
  readonly cidr?: string;
  readonly egress: Egress;
  /** For NAT egress: the NAT gateway's EIP resource, when it is in the templates. */
  readonly natEip?: Resource;
  /**
   * For NAT egress: the NAT gateway's secondary addresses (`SecondaryAllocationIds`), from any
   * of which it may send: EIP resources, or 'unknown' when some are not in the templates.
   */
  readonly natSecondaryEips?: Resource[] | 'unknown';
  /** The routes of the subnet's route table (empty when unknown). */
  readonly routes: Resource[];
  /** The route table resource, when known. */
  readonly routeTable?: Resource;
}

/** A connection from the cluster VPC to other networks. */
export interface ConnectionView {
  readonly kind: 'peering' | 'transit-gateway' | 'vpn';
  readonly display: string;
  /** The peering connection, the attachment, or the virtual private gateway (its attachment when the gateway is not in the templates). */
  readonly resource: Resource;
  /** The other VPC, when it is in the templates. */
  readonly peerVpc?: VpcView;
  /** For a Transit Gateway attachment: the gateway ID value (reference or literal). */
  readonly transitGatewayId?: Value;
  /**
   * For a Transit Gateway attachment: whether security-group references work across it
   * (`SecurityGroupReferencingSupport`, off by default).
   */
  readonly securityGroupReferencing?: Fact;
  /** For a virtual private gateway attached to the VPC: its ID value (reference or literal), as the attachment gives it. */
  readonly vpnGatewayId?: Value;
  /** For a virtual private gateway: the on-premises networks behind it. */
  readonly onPremises?: VpnNetworks;
}

/**
 * The on-premises networks behind a virtual private gateway: the static routes of its
 * Site-to-Site VPN connections (`AWS::EC2::VPNConnectionRoute`), which route propagation puts in
 * the subnets' route tables.
 * @see https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-route-priority.html
 * @see https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-edit-static-routes.html
 */
export interface VpnNetworks {
  /** The routes' literal `DestinationCidrBlock`s (one that is a deploy-time value makes the list unlisted). */
  readonly cidrs: string[];
  /**
   * Why there may be others the templates do not show, when there may: a connection that learns
   * its routes by BGP at run time, no VPN connection in the templates, deploy-time links.
   */
  readonly unlisted?: string;
}

/** A VPC as the checks see it. */
export interface VpcView {
  readonly display: string;
  readonly resource?: Resource;
  readonly dnsSupport: Fact;
  readonly dnsHostnames: Fact;
  /** DNS servers of an associated DHCP options set: undefined for the default set, 'unknown' when not readable. */
  readonly dhcpServers?: string[] | 'unknown';
  readonly dhcpOptions?: Resource;
  readonly cidr?: string;
  readonly endpoints: Resource[];
  readonly inboundResolvers: Resource[];
  readonly connections: ConnectionView[];
  /**
   * Its secondary CIDR blocks (`AWS::EC2::VPCCidrBlock`), with those whose VPC is a deploy-time
   * value (they may be its).
   */
  readonly secondaryCidrBlocks: Resource[];
}

/** Something known to call the Kubernetes API. */
export interface ClientView {
  readonly display: string;
  readonly kind: 'ClusterBastion' | 'access entry' | 'nodes';
  /** The instance or Lambda function. */
  readonly instance: Resource;
  readonly subnet?: SubnetView;
  /** Security group values of the instance (references or literal IDs). */
  readonly securityGroups: Value[];
  /** The client's VPC: its view, or the literal ID of an imported VPC. */
  readonly vpcKey?: VpcView | string;
  /** True for a Lambda function that runs in no VPC: it reaches only public endpoints. */
  readonly outsideVpc: boolean;
  /**
   * True when its access entry may not be for this cluster (a deploy-time `ClusterName`) or
   * may not exist (a condition): a problem with its path is then a not-verifiable warning.
   */
  readonly maybe?: boolean;
  /** Reached through Session Manager: a ClusterBastion, or an instance whose role has AmazonSSMManagedInstanceCore (aws-ec2's BastionHostLinux). */
  readonly sessionManager?: boolean;
}

/** Compute that runs the cluster's pods: where it runs and what it needs without internet egress. */
export interface ComputeView {
  /** How to name it in a message: "the nodes of <nodegroup>", "the Fargate pods of <profile>", "Auto Mode nodes". */
  readonly what: string;
  readonly subnets: SubnetView[];
  /** Subnets that are deploy-time values: the reason, for a not-verifiable warning. */
  readonly unknownSubnets?: string;
  /** The VPC endpoints it needs where subnets have no internet egress. */
  readonly needs: string[];
  /** True when it is linked to the cluster by a value not known at synth (it may belong to another). */
  readonly maybe: boolean;
  /**
   * The security groups it carries, when they are not the cluster security group: a launch
   * template's groups on managed or self-managed nodes. Undefined: the cluster security group,
   * which EKS gives managed nodes without groups of their own, Fargate pods and Auto Mode nodes.
   * @see https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html
   */
  readonly securityGroups?: Value[];
  /** The node group, Fargate profile or Auto Scaling group, when there is one. */
  readonly resource?: Resource;
}

/**
 * The remote node or pod networks of a cluster with EKS Hybrid Nodes.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html
 */
export interface RemoteNetworks {
  /** The CIDR blocks given, in order: literal, or deploy-time values (one block each). */
  readonly cidrs: Value[];
  /** Whether there are any: 'unknown' when the only ones are in lists that are deploy-time values, which may be empty. */
  readonly present: Fact;
  /** What the lists that are deploy-time values depend on, when there are some. */
  readonly unlisted?: string;
}

/** One EKS cluster and its network, built once and read by every rule. */
export interface ClusterView {
  readonly resource: Resource;
  readonly model: NetworkModel;
  readonly index: ResourceIndex;
  readonly display: string;
  readonly publicAccess: Fact;
  readonly privateAccess: Fact;
  /** The public allow-list as rendered; 'unknown' when the list itself is a deploy-time value. */
  readonly publicAccessCidrs: Value[] | 'unknown';
  /** Whether the allow-list lets in every address (0.0.0.0/0, ::/0, or blocks that add up to all of IPv4). */
  readonly publicAccessOpen: Fact;
  readonly vpc?: VpcView;
  readonly connections: ConnectionView[];
  /** How to name the VPC in a message. */
  readonly vpcDisplay: string;
  readonly subnets: SubnetView[];
  /** Why the cluster's subnets cannot be read, when they cannot. */
  readonly subnetsUnknown?: string;
  /** The security groups on the EKS-owned ENIs: the cluster security group and the additional ones. */
  readonly controlPlaneSecurityGroups: Array<Value | ClusterSecurityGroup>;
  /** All node subnets (node groups, Fargate, Auto Mode), for rules that do not care which compute. */
  readonly nodeSubnets: SubnetView[];
  readonly compute: ComputeView[];
  /** Known API clients in the cluster VPC. */
  readonly clients: ClientView[];
  /** Known API clients in other VPCs. */
  readonly remoteClients: ClientView[];
  /** Known API clients in no VPC at all (a Lambda function without VpcConfig). */
  readonly outsideClients: ClientView[];
  /** Known API clients that cannot be placed: their subnet, or the cluster's VPC, is a deploy-time value. */
  readonly unplacedClients: ClientView[];
  /** EKS Hybrid Nodes (`RemoteNetworkConfig`): the remote node networks, where the hybrid nodes are. */
  readonly remoteNodeNetworks: RemoteNetworks;
  /** The remote pod networks: the blocks of the pods on hybrid nodes. */
  readonly remotePodNetworks: RemoteNetworks;
  readonly properties: Record<string, Value>;
}


/**
 * A security group rule, marked `maybe` when it exists only under a deploy-time condition or
 * its group is a deploy-time value, and `opaque` when the rule itself is one (an `Fn::If`).
 */
export type SgRule = Record<string, Value> & { readonly maybe?: boolean; readonly opaque?: boolean };

const OPAQUE_RULE: SgRule = { opaque: true, maybe: true };

function sgRule(value: Value, maybe: boolean, resource?: Resource): SgRule {
  if (resource?.unknownProperties || !isRecord(value)) return OPAQUE_RULE;
  return { ...value, maybe: maybe || isDeployTime(value.GroupId) };
}

/** A stand-in key for a security group that is a deploy-time value: equal to none, not even itself. */
const UNKNOWN_GROUP = Symbol('a security group not known at synth');

/** Whether a value is a deploy-time value that could name anything: an unknown or a built string. */
function isDeployTime(value: Value): boolean {
  return value instanceof Unknown || value instanceof Text;
}

/** A list property, an unknown list being one unknown item (a group, a subnet, whatever it holds). */
function listOrUnknown(value: Value): Value[] {
  const list = toList(value);
  return list instanceof Unknown ? [list] : list;
}

/**
 * The CIDR blocks of `RemoteNodeNetworks` or `RemotePodNetworks` (each a list of `{ Cidrs: [...] }`).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-eks-cluster-remotenetworkconfig.html
 */
function remoteNetworks(config: Value, key: string): RemoteNetworks {
  const cidrs: Value[] = [];
  const unlisted: string[] = [];
  const networks = toList(at(config, key));
  for (const network of networks instanceof Unknown ? [networks] : networks) {
    const list = toList(at(network, 'Cidrs'));
    if (list instanceof Unknown) unlisted.push(list.why);
    else cidrs.push(...list);
  }
  return {
    cidrs,
    present: cidrs.length > 0 ? true : unlisted.length > 0 ? 'unknown' : false,
    unlisted: unlisted.length > 0 ? unique(unlisted).join(', ') : undefined,
  };
}

/**
 * The network model of a template set. Views of VPCs and subnets are built once and shared
 * by all clusters; each cluster's view is built once and shared by all rules.
 */
export class NetworkModel {
  private readonly vpcs = new Map<Resource, VpcView>();
  private readonly subnets = new Map<Resource, SubnetView>();
  private readonly clusters = new Map<Resource, ClusterView>();

  constructor(public readonly index: ResourceIndex) {}

  public cluster(resource: Resource): ClusterView {
    let view = this.clusters.get(resource);
    if (!view) {
      view = this.buildCluster(resource);
      this.clusters.set(resource, view);
    }
    return view;
  }

  private buildCluster(cluster: Resource): ClusterView {
    const props = cluster.properties;
    const vpcConfig = props.ResourcesVpcConfig;
    const subnetList = toList(at(vpcConfig, 'SubnetIds'));
    const subnets = subnetList instanceof Unknown ? [] : subnetList.map((s) => this.subnet(s));
    const compute = this.computeOf(cluster, subnets);
    // the cluster's VPC, from its own subnets or, when those are deploy-time values, from its compute's
    const vpc = subnets.find((s) => s.vpc)?.vpc ?? compute.flatMap((c) => c.subnets).find((s) => s.vpc)?.vpc;
    const sgIds = listOrUnknown(at(vpcConfig, 'SecurityGroupIds'));
    const importedVpcId = this.literalVpcId(sgIds);
    const cidrs = at(vpcConfig, 'PublicAccessCidrs');
    const publicAccessCidrs = cidrs === undefined ? ['0.0.0.0/0'] : Array.isArray(cidrs) ? cidrs : 'unknown';

    const clients = this.clientsOf(cluster);
    const vpcKey = vpc ?? importedVpcId;
    const inVpc = (c: ClientView) => vpcKey !== undefined && c.vpcKey === vpcKey;
    const unreadable = subnetList instanceof Unknown ? subnetList.why : undefined;
    return {
      resource: cluster,
      model: this,
      index: this.index,
      display: cluster.display,
      publicAccess: toFact(at(vpcConfig, 'EndpointPublicAccess'), true),
      privateAccess: toFact(at(vpcConfig, 'EndpointPrivateAccess'), false),
      publicAccessCidrs,
      publicAccessOpen: openToAll(publicAccessCidrs),
      vpc,
      connections: vpc?.connections ?? (importedVpcId ? this.connections((value) => value === importedVpcId) : []),
      vpcDisplay: vpc?.display ?? (importedVpcId ? `imported VPC ${importedVpcId}`
        : unreadable ? `the cluster's VPC (its subnets are ${unreadable})` : 'the cluster\'s VPC (not in the templates given)'),
      subnets,
      subnetsUnknown: unreadable,
      controlPlaneSecurityGroups: [clusterSecurityGroupKey(cluster), ...sgIds],
      nodeSubnets: [...new Set(compute.flatMap((c) => c.subnets))],
      compute,
      clients: clients.filter(inVpc),
      remoteClients: clients.filter((c) => !inVpc(c) && c.vpcKey !== undefined && vpcKey !== undefined),
      outsideClients: clients.filter((c) => c.outsideVpc),
      unplacedClients: clients.filter((c) => !c.outsideVpc && (c.vpcKey === undefined || vpcKey === undefined)),
      remoteNodeNetworks: remoteNetworks(props.RemoteNetworkConfig, 'RemoteNodeNetworks'),
      remotePodNetworks: remoteNetworks(props.RemoteNetworkConfig, 'RemotePodNetworks'),
      properties: props,
    };
  }

  /**
   * Whether a `ClusterName` value names this cluster: a reference to it, or its literal name.
   * 'unknown' when the value is a deploy-time value (a parameter, an import not given).
   */
  public namesCluster(value: Value, cluster: Resource): Fact {
    if (refersTo(value, cluster)) return true;
    const name = literal(value);
    if (name !== undefined) return literal(cluster.properties.Name) === name;
    // the cluster named by the same parameter of the same template: the same name, whatever it is
    const own = cluster.properties.Name;
    if (value instanceof Unknown && own instanceof Unknown && value.key !== undefined && value.key === own.key) return true;
    return refOf(value) ? false : 'unknown';
  }

  /** Whether an Auto Scaling group's `kubernetes.io/cluster/<name>` tag names the cluster. */
  private tagsNameCluster(group: Resource, cluster: Resource): Fact {
    const prefix = 'kubernetes.io/cluster/';
    let result: Fact = false;
    for (const tag of listOrUnknown(group.properties.Tags)) {
      const key = at(tag, 'Key');
      let names: Fact = false;
      if (typeof key === 'string') {
        names = key.startsWith(prefix) ? this.namesCluster(key.slice(prefix.length), cluster) : false;
      } else if (key instanceof Text && key.parts.length === 2 && key.parts[0] === prefix) {
        names = this.namesCluster(key.parts[1], cluster);
      } else if (key instanceof Unknown || key instanceof Text || tag instanceof Unknown) {
        names = 'unknown';
      }
      if (names === true) return true;
      if (names === 'unknown') result = 'unknown';
    }
    // a name that is a deploy-time value can only be this cluster when there is no other
    return result === 'unknown' && this.index.ofType('AWS::EKS::Cluster').length > 1 ? false : result;
  }

  /** Resources of `type` whose `ClusterName` names the cluster, with whether the link is certain. */
  private ofCluster(type: string, cluster: Resource): Array<{ resource: Resource; maybe: boolean }> {
    return this.index.ofType(type).flatMap((r) => {
      const names = this.namesCluster(r.properties.ClusterName, cluster);
      if (names === true) return [{ resource: r, maybe: r.exists !== true }];
      // a name that is a deploy-time value may be this cluster's, whether or not there are others,
      // unless it is another cluster's own name (the same parameter): names are unique in a region
      if (names === 'unknown') {
        const others = this.index.ofType('AWS::EKS::Cluster').filter((c) => c !== cluster);
        return others.some((c) => this.namesCluster(r.properties.ClusterName, c) === true) ? [] : [{ resource: r, maybe: true }];
      }
      return [];
    });
  }

  private computeOf(cluster: Resource, clusterSubnets: SubnetView[]): ComputeView[] {
    const subnetsOf = (value: Value) => {
      const list = toList(value);
      return list instanceof Unknown ? { subnets: [], unknownSubnets: list.why } : { subnets: list.map((s) => this.subnet(s)) };
    };
    const compute: ComputeView[] = [];
    for (const { resource, maybe } of this.ofCluster('AWS::EKS::Nodegroup', cluster)) {
      // with a launch template that names security groups, EKS gives the nodes those and not the cluster's
      const groups = resource.properties.LaunchTemplate === undefined ? [] : this.launchTemplateGroups(resource.properties.LaunchTemplate);
      compute.push({
        what: `the nodes of ${resource.display}`, ...subnetsOf(resource.properties.Subnets), needs: NODE_ENDPOINTS, maybe, resource,
        securityGroups: groups.length > 0 ? groups : undefined,
      });
    }
    for (const { resource, maybe } of this.ofCluster('AWS::EKS::FargateProfile', cluster)) {
      // Fargate pods pull images and get credentials like nodes do; AWS lists the same endpoints.
      // Without Subnets, EKS uses the cluster's private subnets (those with no internet gateway route).
      const own = resource.properties.Subnets;
      const subnets = own === undefined ? { subnets: clusterSubnets.filter((s) => s.egress !== 'igw') } : subnetsOf(own);
      compute.push({ what: `the Fargate pods of ${resource.display}`, ...subnets, needs: FARGATE_ENDPOINTS, maybe, resource });
    }
    // self-managed nodes: an Auto Scaling group tagged kubernetes.io/cluster/<name>, the tag the
    // node bootstrap and AWS's node group template set (eks/latest/userguide/launch-workers.html)
    for (const group of this.index.ofType('AWS::AutoScaling::AutoScalingGroup')) {
      const owns = this.tagsNameCluster(group, cluster);
      if (owns === false) continue;
      const p = group.properties;
      const spec = p.LaunchTemplate ?? at(p.MixedInstancesPolicy, 'LaunchTemplate', 'LaunchTemplateSpecification');
      const groups = spec !== undefined ? this.launchTemplateGroups(spec)
        : p.LaunchConfigurationName !== undefined ? this.launchConfigurationGroups(p.LaunchConfigurationName) : [];
      compute.push({
        what: `the self-managed nodes of ${group.display}`, ...subnetsOf(p.VPCZoneIdentifier), needs: NODE_ENDPOINTS,
        maybe: owns === 'unknown' || group.exists !== true, resource: group,
        // with no group of their own, instances get the VPC's default group
        securityGroups: groups.length > 0 ? groups : [new Unknown('the VPC\'s default security group')],
      });
    }
    // Auto Mode: EKS launches nodes in the cluster's subnets (the built-in node class), with
    // the Pod Identity agent built in, so eks-auth joins the list
    if (toFact(at(cluster.properties.ComputeConfig, 'Enabled'), false) !== false) {
      const enabled = toFact(at(cluster.properties.ComputeConfig, 'Enabled'), false);
      compute.push({
        what: 'the Auto Mode nodes', subnets: clusterSubnets, needs: AUTO_MODE_ENDPOINTS, maybe: enabled === 'unknown',
        unknownSubnets: clusterSubnets.length === 0 ? 'the cluster\'s subnets, not known at synth' : undefined,
      });
    }
    return compute;
  }

  public subnet(value: Value): SubnetView {
    const found = this.index.deref(value, 'AWS::EC2::Subnet');
    if (!found) {
      return { display: describe(value), egress: 'unknown', routes: [] };
    }
    let view = this.subnets.get(found);
    if (!view) {
      view = this.buildSubnet(found);
      this.subnets.set(found, view);
    }
    return view;
  }

  private routeTableOf(subnet: Resource): { association?: Resource; routeTable?: Resource } {
    const association = this.index.referrers('AWS::EC2::SubnetRouteTableAssociation', 'SubnetId', subnet)[0];
    return { association, routeTable: association ? this.index.deref(association.properties.RouteTableId, 'AWS::EC2::RouteTable') : undefined };
  }

  private buildSubnet(subnet: Resource): SubnetView {
    const vpc = this.vpc(subnet.properties.VpcId);
    const { association, routeTable } = this.routeTableOf(subnet);
    const routes = routeTable ? this.routesOf(routeTable) : [];
    let egress: Egress;
    let natEip: Resource | undefined;
    let natSecondaryEips: Resource[] | 'unknown' | undefined;
    // an association or a route whose subnet or table is a deploy-time value may be this subnet's
    const unsure = (!association && this.anyUnknown('AWS::EC2::SubnetRouteTableAssociation', 'SubnetId'))
      || (association !== undefined && association.exists !== true)
      || (routeTable !== undefined && this.anyUnknown('AWS::EC2::Route', 'RouteTableId'));
    // no association: the VPC's main route table, which no template holds (CloudFormation creates it
    // with the local route only, but it can be changed outside CloudFormation): not verifiable
    if (!association || !routeTable || (unsure && !routes.some((r) => r.exists === true && r.properties.DestinationCidrBlock === '0.0.0.0/0'))) {
      egress = 'unknown';
    } else {
      const defaultRoute = routes.find((r) => r.properties.DestinationCidrBlock === '0.0.0.0/0');
      const p = defaultRoute?.properties ?? {};
      if (!defaultRoute) {
        egress = vpc?.resource && routes.every((r) => r.exists === true && this.isPrivateDestination(r.properties)) ? 'none' : 'unknown';
      } else if (defaultRoute.exists !== true) {
        egress = 'unknown';
      } else if (p.NatGatewayId !== undefined) {
        const nat = this.index.deref(p.NatGatewayId, 'AWS::EC2::NatGateway');
        egress = nat ? this.natEgress(nat) : 'nat';
        natEip = nat && egress === 'nat' ? this.index.deref(nat.properties.AllocationId, 'AWS::EC2::EIP') : undefined;
        const secondary = nat ? listOrUnknown(nat.properties.SecondaryAllocationIds).map((a) => this.index.deref(a, 'AWS::EC2::EIP')) : [];
        natSecondaryEips = secondary.length === 0 ? undefined : secondary.every((e) => e !== undefined) ? secondary as Resource[] : 'unknown';
      } else if (p.GatewayId !== undefined) {
        const gateway = this.index.deref(p.GatewayId);
        egress = gateway?.type === 'AWS::EC2::InternetGateway' || /^igw-/.test(String(p.GatewayId)) ? 'igw' : gateway ? 'other' : 'unknown';
      } else if (p.TransitGatewayId !== undefined) {
        egress = 'tgw';
      } else {
        egress = 'other';
      }
    }
    const cidr = literal(subnet.properties.CidrBlock);
    return { display: subnet.display, resource: subnet, vpc, cidr: cidr && parseCidr(cidr) ? cidr : undefined, egress, natEip, natSecondaryEips, routes, routeTable };
  }

  /**
   * A private NAT gateway (`ConnectivityType: private`) has no internet path of its own: it
   * leads on only through its own subnet's routes (a Transit Gateway to an egress VPC, say).
   */
  private natEgress(nat: Resource): Egress {
    const connectivity = nat.properties.ConnectivityType;
    if (connectivity === undefined || connectivity === 'public') return 'nat';
    if (connectivity !== 'private') return 'unknown';
    const natSubnet = this.index.deref(nat.properties.SubnetId, 'AWS::EC2::Subnet');
    if (!natSubnet) return 'unknown';
    const { routeTable } = this.routeTableOf(natSubnet);
    const onward = routeTable ? this.routesOf(routeTable).find((r) => r.properties.DestinationCidrBlock === '0.0.0.0/0') : undefined;
    if (!routeTable) return 'unknown';
    if (!onward) return 'none';
    if (onward.properties.TransitGatewayId !== undefined) return 'tgw';
    // "if you route traffic from the private NAT gateway to the internet gateway, the internet
    // gateway drops the traffic" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)
    const gatewayId = onward.properties.GatewayId;
    if (gatewayId !== undefined) {
      const gateway = this.index.deref(gatewayId);
      if (gateway?.type === 'AWS::EC2::InternetGateway' || /^igw-/.test(String(literal(gatewayId)))) return 'none';
    }
    return 'other';
  }

  public vpc(value: Value): VpcView | undefined {
    const found = this.index.deref(value, 'AWS::EC2::VPC');
    if (!found) return undefined;
    let view = this.vpcs.get(found);
    if (!view) {
      // register first: connections point back at this VPC
      const partial = { display: found.display, resource: found } as VpcView;
      this.vpcs.set(found, partial);
      Object.assign(partial, this.buildVpc(found));
      view = partial;
    }
    return view;
  }

  private buildVpc(vpc: Resource): Omit<VpcView, 'display' | 'resource'> {
    const p = vpc.properties;
    const association = this.index.referrers('AWS::EC2::VPCDHCPOptionsAssociation', 'VpcId', vpc)[0];
    let dhcpServers: string[] | 'unknown' | undefined;
    let dhcpOptions: Resource | undefined;
    if (association && association.properties.DhcpOptionsId !== 'default') {
      dhcpOptions = this.index.deref(association.properties.DhcpOptionsId, 'AWS::EC2::DHCPOptions');
      const servers = dhcpOptions?.properties.DomainNameServers;
      dhcpServers = association.exists !== true ? 'unknown'
        : Array.isArray(servers) && !isOpaque(servers) ? servers.map(String)
          : dhcpOptions && servers === undefined ? [] : 'unknown';
    }
    const subnetInVpc = (s: Value) => refersTo(this.index.deref(s, 'AWS::EC2::Subnet')?.properties.VpcId, vpc);
    const cidr = literal(p.CidrBlock);
    return {
      dnsSupport: toFact(p.EnableDnsSupport, true),
      dnsHostnames: toFact(p.EnableDnsHostnames, false),
      dhcpServers,
      dhcpOptions,
      cidr: cidr && parseCidr(cidr) ? cidr : undefined,
      // with those whose VPC is a deploy-time value: they may be this VPC's (the rules count them as unsure)
      endpoints: [...this.index.referrers('AWS::EC2::VPCEndpoint', 'VpcId', vpc),
        ...this.index.ofType('AWS::EC2::VPCEndpoint').filter((e) => isDeployTime(e.properties.VpcId))],
      // with those whose addresses are a deploy-time value: they may be in this VPC (as endpoints above)
      inboundResolvers: this.index.ofType('AWS::Route53Resolver::ResolverEndpoint')
        .filter((e) => e.properties.Direction === 'INBOUND'
          && (isDeployTime(e.properties.IpAddresses) || asList(e.properties.IpAddresses).some((ip) => subnetInVpc(at(ip, 'SubnetId'))))),
      connections: this.connections((value) => refersTo(value, vpc), vpc),
      secondaryCidrBlocks: [...this.index.referrers('AWS::EC2::VPCCidrBlock', 'VpcId', vpc),
        ...this.index.ofType('AWS::EC2::VPCCidrBlock').filter((b) => isDeployTime(b.properties.VpcId))],
    };
  }

  /**
   * Peering connections, Transit Gateway attachments and virtual private gateways of a VPC in the
   * templates, or of an imported one by its literal ID.
   */
  private connections(isThisVpc: (value: Value) => boolean, resource?: Resource): ConnectionView[] {
    const referring = (type: string, property: string) => resource
      ? this.index.referrers(type, property, resource)
      : this.index.ofType(type).filter((r) => isThisVpc(r.properties[property]));
    return [
      ...[...referring('AWS::EC2::VPCPeeringConnection', 'VpcId'), ...referring('AWS::EC2::VPCPeeringConnection', 'PeerVpcId')]
        .map((pc) => ({
          kind: 'peering' as const,
          display: pc.display,
          resource: pc,
          peerVpc: this.vpc(isThisVpc(pc.properties.VpcId) ? pc.properties.PeerVpcId : pc.properties.VpcId),
        })),
      ...[...referring('AWS::EC2::TransitGatewayAttachment', 'VpcId'), ...referring('AWS::EC2::TransitGatewayVpcAttachment', 'VpcId')]
        .map((a) => ({
          kind: 'transit-gateway' as const, display: a.display, resource: a, transitGatewayId: a.properties.TransitGatewayId,
          securityGroupReferencing: this.securityGroupReferencing(a),
        })),
      // a gateway attachment with VpnGatewayId (with InternetGatewayId it attaches an internet gateway)
      ...referring('AWS::EC2::VPCGatewayAttachment', 'VpcId').filter((a) => a.properties.VpnGatewayId !== undefined)
        .map((a) => this.vpnGateway(a)),
    ];
  }

  /** A virtual private gateway attached to a VPC, and the on-premises networks behind it. */
  private vpnGateway(attachment: Resource): ConnectionView {
    const id = attachment.properties.VpnGatewayId;
    const gateway = this.index.deref(id, 'AWS::EC2::VPNGateway');
    return { kind: 'vpn', display: gateway?.display ?? attachment.display, resource: gateway ?? attachment, vpnGatewayId: id, onPremises: this.vpnNetworks(id) };
  }

  /**
   * The static routes of the Site-to-Site VPN connections on a virtual private gateway. A
   * connection without `StaticRoutesOnly: true` learns its routes by BGP at run time; a gateway
   * with no VPN connection in the templates has its connections elsewhere: both leave the
   * networks unlisted, as do connections and routes linked by deploy-time values.
   */
  private vpnNetworks(gatewayId: Value): VpnNetworks {
    const cidrs: string[] = [];
    const unlisted: string[] = [];
    const connections = this.index.ofType('AWS::EC2::VPNConnection').map((c) => ({ c, same: sameGateway(c.properties.VpnGatewayId, gatewayId) }))
      .filter(({ same }) => same !== false);
    if (!connections.some(({ same }) => same === true)) unlisted.push('no Site-to-Site VPN connection on it is in the templates given');
    for (const { c, same } of connections) {
      if (same === 'unknown') {
        unlisted.push(`the VPN connection ${c.display} names its gateway by a deploy-time value`);
        continue;
      }
      const staticOnly = toFact(c.properties.StaticRoutesOnly, false);
      if (staticOnly === false) unlisted.push(`the VPN connection ${c.display} learns its routes by BGP at run time`);
      else if (staticOnly === 'unknown') unlisted.push(`whether the VPN connection ${c.display} uses static routes is a deploy-time value`);
      for (const route of this.index.referrers('AWS::EC2::VPNConnectionRoute', 'VpnConnectionId', c)) {
        const block = literal(route.properties.DestinationCidrBlock)?.trim();
        if (block !== undefined && parseCidr(block)) cidrs.push(block);
        else unlisted.push(`the block of ${route.display} is ${describe(route.properties.DestinationCidrBlock)}`);
      }
    }
    if (connections.length > 0 && this.anyUnknown('AWS::EC2::VPNConnectionRoute', 'VpnConnectionId')) {
      unlisted.push('a VPN connection route names its connection by a deploy-time value');
    }
    return { cidrs: unique(cidrs), unlisted: unlisted.length > 0 ? unique(unlisted).join('; ') : undefined };
  }

  /**
   * Security-group referencing across a Transit Gateway: it works only when enabled on the gateway
   * (off by default) and on the attachments (the EC2 API gives on as the attachment's default, the
   * CloudFormation reference off: absent there, it is unknown). A gateway not in the templates is
   * unknown. (vpc/latest/tgw/tgw-vpc-attachments.html; AWS::EC2::TransitGateway and
   * AWS::EC2::TransitGatewayVpcAttachment Options)
   */
  private securityGroupReferencing(attachment: Resource): Fact {
    const option = (value: Value, absent: Fact): Fact => (value === undefined ? absent : value === 'enable' ? true : value === 'disable' ? false : 'unknown');
    const own = option(at(attachment.properties.Options, 'SecurityGroupReferencingSupport'), 'unknown');
    const gateway = this.index.deref(attachment.properties.TransitGatewayId, 'AWS::EC2::TransitGateway');
    const gatewayOption = gateway ? option(gateway.properties.SecurityGroupReferencingSupport, false) : 'unknown';
    if (own === false || gatewayOption === false) return false;
    return own === true && gatewayOption === true ? true : 'unknown';
  }

  /** Whether a route (other than 0.0.0.0/0) certainly does not lead to the internet. */
  private isPrivateDestination(route: Record<string, Value>): boolean {
    if (route.DestinationCidrBlock === undefined) {
      return route.DestinationIpv6CidrBlock !== undefined && route.DestinationPrefixListId === undefined;
    }
    return REMOTE_NETWORK_RANGES.some((range) => cidrContains(range, route.DestinationCidrBlock) === true);
  }

  /** Known API clients of a cluster: instances and functions whose role has an access entry on it. */
  private clientsOf(cluster: Resource): ClientView[] {
    const found = new Map<Resource, { kind: ClientView['kind']; maybe: boolean }>();
    for (const { resource: entry, maybe } of this.ofCluster('AWS::EKS::AccessEntry', cluster)) {
      // an entry that may be for another cluster, or may not exist, makes a client that may be one
      const role = this.index.deref(entry.properties.PrincipalArn, 'AWS::IAM::Role');
      for (const compute of role ? this.computeByRole().get(role) ?? [] : []) {
        const marker = compute.metadata(CLIENT_METADATA_KEY) as { client?: unknown } | undefined;
        const known = found.get(compute);
        found.set(compute, { kind: marker?.client === CLUSTER_BASTION_CLIENT ? 'ClusterBastion' : 'access entry', maybe: (known?.maybe ?? true) && maybe });
      }
    }
    return [...found].map(([compute, { kind, maybe }]) => ({ ...this.client(compute, kind), ...(maybe ? { maybe } : {}) }));
  }

  private client(compute: Resource, kind: ClientView['kind']): ClientView {
    const p = compute.properties;
    let subnetId: Value;
    let securityGroups: Value[];
    let outsideVpc = false;
    if (compute.type === 'AWS::Lambda::Function' || compute.type === 'AWS::Serverless::Function') {
      subnetId = listOrUnknown(at(p.VpcConfig, 'SubnetIds'))[0];
      securityGroups = listOrUnknown(at(p.VpcConfig, 'SecurityGroupIds'));
      outsideVpc = p.VpcConfig === undefined;
    } else {
      const nic = listOrUnknown(p.NetworkInterfaces)[0];
      subnetId = p.SubnetId ?? at(nic, 'SubnetId');
      securityGroups = [...listOrUnknown(p.SecurityGroupIds), ...listOrUnknown(p.SecurityGroups), ...listOrUnknown(at(nic, 'GroupSet'))];
      if (securityGroups.length === 0 && p.LaunchTemplate !== undefined) {
        // an instance takes what its launch template gives unless it says otherwise
        const template = this.launchTemplate(p.LaunchTemplate);
        const data = template?.properties.LaunchTemplateData;
        const ltNic = listOrUnknown(at(data, 'NetworkInterfaces'))[0];
        subnetId ??= at(ltNic, 'SubnetId');
        securityGroups = template ? [...listOrUnknown(at(data, 'SecurityGroupIds')), ...listOrUnknown(at(data, 'SecurityGroups')), ...listOrUnknown(at(ltNic, 'Groups'))]
          : [new Unknown('the security groups of a launch template not in the templates given')];
      }
      if (securityGroups.length === 0) {
        // EC2 then puts the instance in the VPC's default group, whose rules are not in the template
        securityGroups = [new Unknown('the VPC\'s default security group')];
      }
    }
    const subnet = subnetId !== undefined ? this.subnet(subnetId) : undefined;
    return {
      display: compute.display,
      kind,
      sessionManager: kind === 'ClusterBastion' || this.managedBySessionManager(compute),
      instance: compute,
      subnet,
      securityGroups,
      vpcKey: subnet?.vpc ?? this.literalVpcId(securityGroups),
      outsideVpc,
    };
  }

  /** Whether an instance's role has the AWS managed policy for Systems Manager (and so Session Manager): BastionHostLinux's way in. */
  private managedBySessionManager(compute: Resource): boolean {
    if (compute.type !== 'AWS::EC2::Instance') return false;
    const profile = this.index.deref(compute.properties.IamInstanceProfile, 'AWS::IAM::InstanceProfile');
    return asList(profile?.properties.Roles).some((r) => {
      const role = this.index.deref(r, 'AWS::IAM::Role');
      return asList(role?.properties.ManagedPolicyArns).some((arn) => /:policy\/AmazonSSMManagedInstanceCore$/.test(describe(arn)));
    });
  }

  /** The security groups a launch template gives its instances; an unknown one when the template is not in the templates given. */
  private launchTemplateGroups(spec: Value): Value[] {
    const template = this.launchTemplate(spec);
    if (!template) return [new Unknown('the security groups of a launch template not in the templates given')];
    const data = template.properties.LaunchTemplateData;
    const nic = listOrUnknown(at(data, 'NetworkInterfaces'))[0];
    return [...listOrUnknown(at(data, 'SecurityGroupIds')), ...listOrUnknown(at(data, 'SecurityGroups')), ...listOrUnknown(at(nic, 'Groups'))];
  }

  private launchConfigurationGroups(name: Value): Value[] {
    const config = this.index.deref(name, 'AWS::AutoScaling::LaunchConfiguration');
    return config ? listOrUnknown(config.properties.SecurityGroups) : [new Unknown('the security groups of a launch configuration not in the templates given')];
  }

  /**
   * The launch template a `LaunchTemplate` property names, by ID reference or by literal name
   * (`LaunchTemplateId`/`LaunchTemplateName` on instances and Auto Scaling groups, `Id`/`Name`
   * on EKS node groups).
   */
  private launchTemplate(spec: Value): Resource | undefined {
    const id = at(spec, 'LaunchTemplateId') ?? at(spec, 'Id');
    const name = at(spec, 'LaunchTemplateName') ?? at(spec, 'Name');
    const byRef = this.index.deref(id, 'AWS::EC2::LaunchTemplate') ?? this.index.deref(name, 'AWS::EC2::LaunchTemplate');
    if (byRef) return byRef;
    const literalName = literal(name);
    return literalName === undefined ? undefined : this.index.ofType('AWS::EC2::LaunchTemplate').find((t) => literal(t.properties.LaunchTemplateName) === literalName);
  }

  private roleCompute?: Map<Resource, Resource[]>;

  /** Instances (by their instance profile's role) and Lambda functions (by their role), built once. */
  private computeByRole(): Map<Resource, Resource[]> {
    if (!this.roleCompute) {
      const map = new Map<Resource, Resource[]>();
      const add = (role: Resource | undefined, compute: Resource) => {
        if (role) map.set(role, [...(map.get(role) ?? []), compute]);
      };
      for (const instance of this.index.ofType('AWS::EC2::Instance')) {
        const profile = this.index.deref(instance.properties.IamInstanceProfile, 'AWS::IAM::InstanceProfile');
        asList(profile?.properties.Roles).forEach((r) => add(this.index.deref(r, 'AWS::IAM::Role'), instance));
      }
      // a SAM function becomes an AWS::Lambda::Function with the same Role and VpcConfig
      for (const fn of [...this.index.ofType('AWS::Lambda::Function'), ...this.index.ofType('AWS::Serverless::Function')]) {
        add(this.index.deref(fn.properties.Role, 'AWS::IAM::Role'), fn);
      }
      this.roleCompute = map;
    }
    return this.roleCompute;
  }

  private readonly unknownRefs = new Map<string, boolean>();

  /** Whether some resource of `type` has `property` as a deploy-time value (it may name anything), once per type and property. */
  public anyUnknown(type: string, property: string): boolean {
    const key = `${type}|${property}`;
    let found = this.unknownRefs.get(key);
    if (found === undefined) {
      found = this.index.ofType(type).some((r) => isDeployTime(r.properties[property]));
      this.unknownRefs.set(key, found);
    }
    return found;
  }

  /** The routes of a route table. */
  public routesOf(routeTable: Resource): Resource[] {
    return this.index.referrers('AWS::EC2::Route', 'RouteTableId', routeTable);
  }

  /** The literal VPC ID of the first security group (in the templates) that names one: how an imported VPC is recognised. */
  private literalVpcId(securityGroups: Value[]): string | undefined {
    return securityGroups.map((sg) => literal(this.index.deref(sg, 'AWS::EC2::SecurityGroup')?.properties.VpcId))
      .find((id): id is string => id !== undefined);
  }

  /** Whether a value is a reference to `target` (any attribute). */
  public sameRef(value: Value, target: Resource | undefined): boolean {
    return refersTo(value, target);
  }

  /** A key for a security group value: the referenced resource (or cluster SG attribute), else the literal; an unknown is its own key. */
  public securityGroupKey(value: Value | ClusterSecurityGroup): unknown {
    if (value instanceof ClusterSecurityGroup) return value;
    if (isDeployTime(value)) return UNKNOWN_GROUP;
    const ref = refOf(value);
    if (ref?.resource.type === 'AWS::EKS::Cluster' && ref.attribute === 'ClusterSecurityGroupId') {
      return clusterSecurityGroupKey(ref.resource);
    }
    return ref?.resource ?? value;
  }

  /** Ingress rules into a security group key: inline ones and separate resources. */
  public ingressInto(key: unknown): SgRule[] {
    const rules: SgRule[] = [];
    if (key instanceof Resource) {
      const inline = toList(key.properties.SecurityGroupIngress);
      if (inline instanceof Unknown) rules.push(OPAQUE_RULE);
      else rules.push(...inline.map((r) => sgRule(r, key.exists !== true)));
    }
    rules.push(...this.separateRules('AWS::EC2::SecurityGroupIngress', key).map((r) => sgRule(r.properties, r.exists !== true, r)));
    return rules;
  }

  /** Separate rule resources of a group, and those whose group is a deploy-time value (they may be its). */
  private separateRules(type: string, key: unknown): Resource[] {
    const unsure = this.index.ofType(type).filter((r) => isDeployTime(r.properties.GroupId));
    if (key instanceof ClusterSecurityGroup || key instanceof Resource) {
      const target = key instanceof ClusterSecurityGroup ? key.cluster : key;
      return [...this.index.referrers(type, 'GroupId', target).filter((r) => this.securityGroupKey(r.properties.GroupId) === key), ...unsure];
    }
    return [...(typeof key === 'string' ? this.index.ofType(type).filter((r) => r.properties.GroupId === key) : []), ...unsure];
  }

  /** Egress rules of a security group resource ('unknown' for a group not in the templates). */
  public egressOf(key: unknown): SgRule[] | 'unknown' {
    if (!(key instanceof Resource)) return 'unknown';
    const inline = toList(key.properties.SecurityGroupEgress);
    if (inline instanceof Unknown) return 'unknown';
    const separate = this.separateRules('AWS::EC2::SecurityGroupEgress', key);
    // Without inline egress EC2 gives the group its allow-all egress rule, and separate
    // AWS::EC2::SecurityGroupEgress resources add to it; inline egress replaces it.
    const base: SgRule[] = key.properties.SecurityGroupEgress === undefined ? [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }]
      : inline.map((r) => sgRule(r, key.exists !== true));
    return [...base, ...separate.map((e) => sgRule(e.properties, e.exists !== true, e))];
  }
}

/**
 * Whether two gateway ID values name the same gateway: references to the same resource, the
 * same literal, or the same deploy-time value (one parameter); 'unknown' when either is a
 * deploy-time value that may or may not be the other. A reference and a literal ID are not
 * the same: a gateway the templates create has a new ID.
 */
export function sameGateway(a: Value, b: Value): Fact {
  if (a === undefined || b === undefined) return false;
  if (a instanceof Unknown && b instanceof Unknown && a.key !== undefined && a.key === b.key) return true;
  if (a instanceof Unknown || b instanceof Unknown || a instanceof Text || b instanceof Text) return sameValue(a, b) ? true : 'unknown';
  const refA = refOf(a);
  const refB = refOf(b);
  if (refA || refB) return refA?.resource === refB?.resource;
  return sameValue(a, b);
}

/** A stand-in key for the security group EKS creates for a cluster. */
export class ClusterSecurityGroup {
  constructor(public readonly cluster: Resource) {}
}
const clusterSgKeys = new WeakMap<Resource, ClusterSecurityGroup>();
function clusterSecurityGroupKey(cluster: Resource): ClusterSecurityGroup {
  let key = clusterSgKeys.get(cluster);
  if (!key) {
    key = new ClusterSecurityGroup(cluster);
    clusterSgKeys.set(cluster, key);
  }
  return key;
}

/** Whether a security group rule lets TCP 443 through: true, false, or 'unknown' for deploy-time values. */
export function allows443(rule: SgRule): Fact {
  if (rule.opaque || isOpaque(rule.IpProtocol)) return 'unknown';
  // EC2 takes the protocol in any case and stores it in lower case
  const protocol = String(rule.IpProtocol).toLowerCase();
  if (protocol === '-1' || protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  if (isOpaque(rule.FromPort) || isOpaque(rule.ToPort)) return 'unknown';
  const from = Number(rule.FromPort);
  const to = Number(rule.ToPort);
  return Number.isFinite(from) && Number.isFinite(to) && from <= 443 && 443 <= to;
}

/** Whether a literal CIDR source covers a literal block; 'unknown' when either is not literal. */
export function cidrCovers(source: Value, block: string | undefined): Fact {
  if (source === undefined) return false;
  const contains = cidrContains(source, block ?? '');
  return contains === undefined ? 'unknown' : contains;
}

/**
 * Whether a CIDR rule source covers a subnet: a literal block that contains the subnet's, or
 * the VPC's own CIDR block by reference (`Fn::GetAtt Vpc.CidrBlock`, how CDK writes "from the VPC").
 */
export function coversSubnet(source: Value, subnet: SubnetView | undefined): Fact {
  const ref = refOf(source);
  if (ref?.resource.type === 'AWS::EC2::VPC' && ref.attribute === 'CidrBlock' && subnet?.vpc?.resource) {
    return ref.resource === subnet.vpc.resource;
  }
  return cidrCovers(source, subnet?.cidr);
}

/**
 * Whether a public allow-list admits every address: `::/0`, or IPv4 blocks that add up to
 * all of IPv4 (`0.0.0.0/0`, or `0.0.0.0/1` + `128.0.0.0/1`, ...). Deploy-time entries make
 * it 'unknown' unless the literal ones already cover everything.
 */
export function openToAll(cidrs: Value[] | 'unknown'): Fact {
  if (cidrs === 'unknown') return 'unknown';
  if (cidrs.some((c) => typeof c === 'string' && c.trim() === '::/0')) return true;
  const blocks = cidrs.map((c) => parseCidr(typeof c === 'string' ? c.trim() : c)).filter((b): b is [number, number] => b !== undefined)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reached = 0;
  for (const [start, size] of blocks) {
    const from = Math.max(start, reached);
    if (start + size > from) covered += start + size - from;
    reached = Math.max(reached, start + size);
  }
  if (covered >= 2 ** 32) return true;
  // a deploy-time entry counts for as much as its prefix allows (`<EIP>/32` is one address)
  let potential = 0;
  for (const c of cidrs.filter((x) => isOpaque(x))) {
    const prefix = /\/(\d{1,2})$/.exec(describe(c))?.[1];
    if (prefix === undefined) return 'unknown';
    potential += 2 ** (32 - Math.min(32, Number(prefix)));
  }
  return covered + potential >= 2 ** 32 ? 'unknown' : false;
}

/**
 * The service of a VPC endpoint, from the end of its service name: `com.amazonaws.<region>.ecr.api`
 * is `ecr.api`, however the name is built (`Fn::Sub` with `${AWS::Region}`, CDK's `Fn::Join`).
 * Only the literal tail counts: a name that ends in a deploy-time value is not recognised.
 */
export function endpointService(endpoint: Resource): string | undefined {
  const name = endpoint.properties.ServiceName;
  const tail = typeof name === 'string' ? name : name instanceof Text ? lastLiteral(name.parts) : undefined;
  return tail === undefined ? undefined : knownServiceOf(tail);
}

function lastLiteral(parts: ReadonlyArray<unknown>): string | undefined {
  const last = parts[parts.length - 1];
  return typeof last === 'string' ? last : undefined;
}

/**
 * Whether a client can open TCP 443 to the EKS-owned ENIs: its egress and their ingress.
 * `sgReferencing` is whether a rule naming the client's security group works on the way in
 * (across a Transit Gateway only with security-group referencing support on).
 */
export function apiPath(model: NetworkModel, cluster: ClusterView, client: ClientView, sgReferencing: Fact = true): Fact {
  const targets = cluster.controlPlaneSecurityGroups.map((sg) => model.securityGroupKey(sg));
  const sources = client.securityGroups.map((sg) => model.securityGroupKey(sg));
  const clusterSg = targets[0];
  if (sources.includes(clusterSg)) {
    return true; // the cluster security group allows all traffic from its own members
  }
  let ingress: Fact = false;
  const maybe = () => {
    ingress = ingress === true ? true : 'unknown';
  };
  for (const target of targets) {
    if (!(target instanceof Resource) && target !== clusterSg) maybe(); // an imported group may have rules made elsewhere
    for (const rule of model.ingressInto(target)) {
      const port = allows443(rule);
      if (port === false) continue;
      let covers: Fact = false;
      if (rule.opaque) {
        covers = 'unknown';
      } else if (rule.SourceSecurityGroupId !== undefined) {
        const source = model.securityGroupKey(rule.SourceSecurityGroupId);
        covers = source === UNKNOWN_GROUP ? 'unknown' : sources.includes(source) ? sgReferencing
          : !(source instanceof Resource) && sources.some((s) => !(s instanceof Resource)) ? 'unknown' : false;
      } else if (rule.CidrIp !== undefined) {
        covers = rule.CidrIp === '0.0.0.0/0' ? true : coversSubnet(rule.CidrIp, client.subnet);
      } else if (rule.SourcePrefixListId !== undefined) {
        covers = 'unknown';
      }
      if (covers === true && port === true && !rule.maybe) return egressTo(model, sources, targets, cluster);
      if (covers !== false) maybe();
    }
  }
  if (sources.some((s) => !(s instanceof Resource)) && ingress === false) {
    return 'unknown'; // an imported client group could be the cluster group itself
  }
  return ingress;
}

/**
 * Whether an egress rule's CIDR block reaches the EKS-owned ENIs, which are somewhere in the
 * cluster subnets: true when it covers them all, false when it overlaps none (both literal),
 * 'unknown' otherwise (some subnets covered, or a block not known here).
 */
export function cidrReachesCluster(cidr: Value, cluster: ClusterView): Fact {
  if (cluster.subnets.length === 0) return 'unknown';
  const covered = cluster.subnets.map((s) => coversSubnet(cidr, s));
  if (covered.every((c) => c === true)) return true;
  const disjoint = cluster.subnets.every((s) => s.cidr !== undefined && cidrContains(cidr, s.cidr) === false && cidrContains(s.cidr, cidr) === false);
  return disjoint ? false : 'unknown';
}

function egressTo(model: NetworkModel, sources: unknown[], targets: unknown[], cluster: ClusterView): Fact {
  let result: Fact = false;
  for (const source of sources) {
    const rules = model.egressOf(source);
    if (rules === 'unknown') {
      result = 'unknown';
      continue;
    }
    for (const rule of rules) {
      const port = allows443(rule);
      if (port === false) continue;
      const destination = rule.DestinationSecurityGroupId !== undefined ? model.securityGroupKey(rule.DestinationSecurityGroupId) : undefined;
      const toCidr = rule.CidrIp === undefined ? false : rule.CidrIp === '0.0.0.0/0' || cidrReachesCluster(rule.CidrIp, cluster);
      const reaches = toCidr === true || destination !== undefined && destination !== UNKNOWN_GROUP && targets.includes(destination);
      if (reaches && port === true && !rule.maybe) return true;
      if (reaches || rule.opaque || destination === UNKNOWN_GROUP || rule.DestinationPrefixListId !== undefined || toCidr === 'unknown') result = 'unknown';
    }
  }
  return result;
}
