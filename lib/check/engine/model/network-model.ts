import { refersTo, refOf, ResourceIndex } from '../template/resource-index';
import { Resource } from '../template/template-set';
import { at, describe, Fact, literal, toFact, toList, Unknown, Value } from '../template/value';
import { openToAll } from './allow-list';
import { clientLikeOf } from './client-like';
import { clientsOf, literalVpcId } from './clients';
import { clusterProperties } from './cluster-config';
import { connectedNetworks } from './connected-networks';
import { computeOf, remoteNetworks } from './compute';
import { clusterSecurityGroupKey, egressOf, ingressInto, securityGroupKey } from './security-groups';
import { buildSubnet } from './subnets';
import { isDeployTime, listOrUnknown } from './values';
import { ClientView, ClusterSecurityGroup, ClusterView, ModelReader, SgRule, SubnetView, VpcView } from './views';
import { buildVpc, connections } from './vpcs';

/**
 * The network model of a template set. Views of VPCs and subnets are built once and shared
 * by all clusters; each cluster's view is built once and shared by all rules.
 */
export class NetworkModel implements ModelReader {
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
    // AWS::EKS::Cluster's properties, or aws-eks v1's Config in their shape
    const props = clusterProperties(cluster);
    const vpcConfig = props.ResourcesVpcConfig;
    const subnetList = toList(at(vpcConfig, 'SubnetIds'));
    const subnets = subnetList instanceof Unknown ? [] : subnetList.map((s) => this.subnet(s));
    const compute = computeOf(this, cluster, subnets);
    // the cluster's VPC, from its own subnets or, when those are deploy-time values, from its compute's
    const vpc = subnets.find((s) => s.vpc)?.vpc ?? compute.flatMap((c) => c.subnets).find((s) => s.vpc)?.vpc;
    const sgIds = listOrUnknown(at(vpcConfig, 'SecurityGroupIds'));
    const importedVpcId = literalVpcId(this, sgIds);
    const cidrs = at(vpcConfig, 'PublicAccessCidrs');
    const publicAccessCidrs = cidrs === undefined ? ['0.0.0.0/0'] : Array.isArray(cidrs) ? cidrs : 'unknown';

    const clients = clientsOf(this, cluster);
    const vpcKey = vpc ?? importedVpcId;
    const inVpc = (c: ClientView) => vpcKey !== undefined && c.vpcKey === vpcKey;
    const unreadable = subnetList instanceof Unknown ? subnetList.why : undefined;
    let networks: ReturnType<typeof connectedNetworks> | undefined;
    let lookAlikes: ReturnType<typeof clientLikeOf> | undefined;
    const view: ClusterView = {
      resource: cluster,
      model: this,
      index: this.index,
      display: cluster.display,
      ...(cluster.template.input.region !== undefined ? { region: cluster.template.input.region } : {}),
      publicAccess: toFact(at(vpcConfig, 'EndpointPublicAccess'), true),
      privateAccess: toFact(at(vpcConfig, 'EndpointPrivateAccess'), false),
      publicAccessCidrs,
      publicAccessOpen: openToAll(publicAccessCidrs),
      vpc,
      connections: vpc?.connections ?? (importedVpcId ? connections(this, (value) => value === importedVpcId) : []),
      vpcDisplay: vpc?.display ?? (importedVpcId ? `imported VPC ${importedVpcId}`
        : unreadable ? `the cluster's VPC (its subnets are ${unreadable})` : 'the cluster\'s VPC'), // the rules say it is not in the templates given
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
      // built when first read, once: most rules read neither
      get connectedNetworks() {
        return (networks ??= connectedNetworks(view));
      },
      get clientLike() {
        return (lookAlikes ??= clientLikeOf(view, clients));
      },
      properties: props,
    };
    return view;
  }

  /**
   * Whether a `ClusterName` value names this cluster: a reference to it, or its literal name.
   * 'unknown' when the value is a deploy-time value (a parameter, an import not given).
   */
  public namesCluster(value: Value, cluster: Resource): Fact {
    if (refersTo(value, cluster)) return true;
    const name = literal(value);
    if (name !== undefined) return literal(clusterProperties(cluster).Name) === name;
    // the cluster named by the same parameter of the same template: the same name, whatever it is
    const own = clusterProperties(cluster).Name;
    if (value instanceof Unknown && own instanceof Unknown && value.key !== undefined && value.key === own.key) return true;
    return refOf(value) ? false : 'unknown';
  }

  public subnet(value: Value): SubnetView {
    const found = this.index.deref(value, 'AWS::EC2::Subnet');
    if (!found) {
      return { display: describe(value), egress: 'unknown', routes: [] };
    }
    let view = this.subnets.get(found);
    if (!view) {
      view = buildSubnet(this, found);
      this.subnets.set(found, view);
    }
    return view;
  }

  public vpc(value: Value): VpcView | undefined {
    const found = this.index.deref(value, 'AWS::EC2::VPC');
    if (!found) return undefined;
    let view = this.vpcs.get(found);
    if (!view) {
      // register first: connections point back at this VPC
      const partial = { display: found.display, resource: found } as VpcView;
      this.vpcs.set(found, partial);
      Object.assign(partial, buildVpc(this, found));
      view = partial;
    }
    return view;
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

  /** Whether a value is a reference to `target` (any attribute). */
  public sameRef(value: Value, target: Resource | undefined): boolean {
    return refersTo(value, target);
  }

  /** A key for a security group value: the referenced resource (or cluster SG attribute), else the literal; an unknown is its own key. */
  public securityGroupKey(value: Value | ClusterSecurityGroup): unknown {
    return securityGroupKey(value);
  }

  /** Ingress rules into a security group key: inline ones and separate resources. */
  public ingressInto(key: unknown): SgRule[] {
    return ingressInto(this, key);
  }

  /** Egress rules of a security group resource ('unknown' for a group not in the templates). */
  public egressOf(key: unknown): SgRule[] | 'unknown' {
    return egressOf(this, key);
  }
}

