/** What the rules read: a cluster, its VPC, subnets, connections, compute and clients, each built once. */
import { ResourceIndex } from '../template/resource-index';
import { Resource } from '../template/template-set';
import { Fact, Value } from '../template/value';

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
  /** The region the stack that defines it deploys to, when the subnet is in the templates and that region is known. */
  readonly region?: string;
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
  readonly kind: 'ClusterBastion' | 'access entry' | 'aws-auth' | 'kubectl handler' | 'nodes' | 'looks like a client';
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

/**
 * An instance that looks like an API client though no access entry in the templates names its
 * role (access may be granted outside them: aws-auth, the console, `aws eks create-access-entry`).
 */
export interface ClientLike {
  /** The instance as a client, of kind 'looks like a client'. */
  readonly client: ClientView;
  /** Why it looks like one, for messages. */
  readonly why: string;
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

/** A network the templates declare as connected to the cluster. */
export interface ConnectedNetwork {
  /** Its literal IPv4 block. */
  readonly cidr: string;
  /** The VPC whose own block it is (`Fn::GetAtt Vpc.CidrBlock`, or a VPC in the templates with that literal block). */
  readonly vpc?: VpcView;
  /** True when the rule is the one `EndpointCluster` writes for `connectedCidrs` and `connectedVpcs` (by its description). */
  readonly marked: boolean;
  /** True when the rule exists only under a condition, its group or port is a deploy-time value. */
  readonly maybe: boolean;
  /**
   * A connection in the templates whose far side is known to hold the block (a peering to that
   * VPC, a virtual private gateway whose VPN routes hold it): ConnectedClientPath judges the
   * routes through it.
   */
  readonly connection?: ConnectionView;
  readonly routes: NetworkRoutes;
}

/** Whether the route tables of the cluster subnets lead to a block. */
export interface NetworkRoutes {
  /** Each route table of the cluster subnets in the templates, and whether it leads there. */
  readonly tables: Array<{ readonly table: Resource; readonly routed: Fact }>;
  /** Cluster subnets whose route table is not in the templates (an imported subnet, the VPC's main route table). */
  readonly unread: SubnetView[];
  /**
   * 'routed': every table leads there; 'no route': every table is in the templates and none does;
   * 'partly routed': some tables in the templates lead there and others do not; 'not verifiable':
   * deploy-time routes or targets, route propagation, subnets or tables not in the templates.
   */
  readonly verdict: 'routed' | 'no route' | 'partly routed' | 'not verifiable';
}

/** One EKS cluster and its network, built once and read by every rule. */
export interface ClusterView {
  readonly resource: Resource;
  readonly model: ModelReader;
  readonly index: ResourceIndex;
  readonly display: string;
  /** The region the cluster's stack deploys to, when known (a CDK stack with an env, a cloud assembly's manifest). */
  readonly region?: string;
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
  /**
   * The networks its templates declare as connected: blocks outside the cluster VPC that a TCP 443
   * rule lets into its security groups (`connectedCidrs`, `connectedVpcs`), hybrid nodes' excepted,
   * with whether the cluster subnets route there (connected-networks.ts).
   */
  readonly connectedNetworks: ConnectedNetwork[];
  /** Instances in the cluster VPC that look like API clients but are not known ones (client-like.ts). */
  readonly clientLike: ClientLike[];
  readonly properties: Record<string, Value>;
}

/**
 * A security group rule, marked `maybe` when it exists only under a deploy-time condition or
 * its group is a deploy-time value, and `opaque` when the rule itself is one (an `Fn::If`).
 */
export type SgRule = Record<string, Value> & { readonly maybe?: boolean; readonly opaque?: boolean };

/** A stand-in key for the security group EKS creates for a cluster. */
export class ClusterSecurityGroup {
  constructor(public readonly cluster: Resource) {}
}

/**
 * What the model's parts and the rules ask of the network model: the resource index, the views it
 * builds once, and the questions it answers once. NetworkModel is the one implementation; the parts
 * take this, so that they depend on the views and not on the class that puts them together.
 */
export interface ModelReader {
  readonly index: ResourceIndex;
  /** The view of a subnet value (a reference, or the ID of an imported subnet). */
  subnet(value: Value): SubnetView;
  /** The view of a VPC value, when the VPC is in the templates. */
  vpc(value: Value): VpcView | undefined;
  /** Whether a `ClusterName` value names the cluster: true, false, or 'unknown' for a deploy-time value. */
  namesCluster(value: Value, cluster: Resource): Fact;
  /** Whether some resource of `type` has `property` as a deploy-time value (it may name anything). */
  anyUnknown(type: string, property: string): boolean;
  /** The routes of a route table. */
  routesOf(routeTable: Resource): Resource[];
  /** Whether a value is a reference to `target` (any attribute). */
  sameRef(value: Value, target: Resource | undefined): boolean;
  /** A key for a security group value: the referenced resource (or cluster SG attribute), else the literal; an unknown is its own key. */
  securityGroupKey(value: Value | ClusterSecurityGroup): unknown;
  /** Ingress rules into a security group key: inline ones and separate resources. */
  ingressInto(key: unknown): SgRule[];
  /** Egress rules of a security group resource ('unknown' for a group not in the templates). */
  egressOf(key: unknown): SgRule[] | 'unknown';
}
