/** The compute that runs a cluster's pods (node groups, Fargate, self-managed nodes, Auto Mode) and the networks of hybrid nodes. */
import { AUTO_MODE_ENDPOINTS, FARGATE_ENDPOINTS, NODE_ENDPOINTS } from '../../../shared/endpoint-services';
import { refOf } from '../template/resource-index';
import { Resource } from '../template/template-set';
import { at, Fact, literal, Text, toFact, toList, unique, Unknown, Value } from '../template/value';
import { clusterProperties, clusterResources, fargateProfileProperties, V1_FARGATE_PROFILE } from './cluster-config';
import { listOrUnknown } from './values';
import { ComputeView, ModelReader, RemoteNetworks, SubnetView } from './views';

/**
 * The CIDR blocks of `RemoteNodeNetworks` or `RemotePodNetworks` (each a list of `{ Cidrs: [...] }`).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-eks-cluster-remotenetworkconfig.html
 */
export function remoteNetworks(config: Value, key: string): RemoteNetworks {
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

/** Whether an Auto Scaling group's `kubernetes.io/cluster/<name>` tag names the cluster. */
export function tagsNameCluster(model: ModelReader, group: Resource, cluster: Resource): Fact {
  const prefix = 'kubernetes.io/cluster/';
  let result: Fact = false;
  for (const tag of listOrUnknown(group.properties.Tags)) {
    const key = at(tag, 'Key');
    let names: Fact = false;
    if (typeof key === 'string') {
      names = key.startsWith(prefix) ? model.namesCluster(key.slice(prefix.length), cluster) : false;
    } else if (key instanceof Text && key.parts.length === 2 && key.parts[0] === prefix) {
      names = model.namesCluster(key.parts[1], cluster);
    } else if (key instanceof Unknown || key instanceof Text || tag instanceof Unknown) {
      names = 'unknown';
    }
    if (names === true) return true;
    if (names === 'unknown') result = 'unknown';
  }
  // a name that is a deploy-time value can only be this cluster when there is no other
  return result === 'unknown' && clusterResources(model.index).length > 1 ? false : result;
}

/** The cluster a resource names: its `ClusterName`, in the `Config` of a v1 Fargate profile. */
function clusterNameOf(resource: Resource): Value {
  return resource.type === V1_FARGATE_PROFILE ? fargateProfileProperties(resource).ClusterName : resource.properties.ClusterName;
}

/** The resources of a type by what their `ClusterName` is: a reference, a literal name, or neither (a deploy-time value). */
interface ClusterNameIndex {
  /** Each resource's place in `ofType(type)`, so that answers keep the templates' order. */
  readonly order: Map<Resource, number>;
  readonly byRef: Map<Resource, Resource[]>;
  readonly byName: Map<string, Resource[]>;
  readonly rest: Resource[];
}

const clusterNameIndexes = new WeakMap<ModelReader, Map<string, ClusterNameIndex>>();

/** Built once per model and type, so that finding a cluster's node groups is not a walk over every cluster's. */
function clusterNameIndex(model: ModelReader, type: string): ClusterNameIndex {
  let byType = clusterNameIndexes.get(model);
  if (!byType) clusterNameIndexes.set(model, byType = new Map());
  let index = byType.get(type);
  if (!index) {
    index = { order: new Map(), byRef: new Map(), byName: new Map(), rest: [] };
    for (const [i, r] of model.index.ofType(type).entries()) {
      index.order.set(r, i);
      const value = clusterNameOf(r);
      const ref = refOf(value)?.resource;
      const name = literal(value);
      if (ref) index.byRef.set(ref, [...index.byRef.get(ref) ?? [], r]);
      else if (name !== undefined) index.byName.set(name, [...index.byName.get(name) ?? [], r]);
      else index.rest.push(r);
    }
    byType.set(type, index);
  }
  return index;
}

/**
 * Resources of `type` whose `ClusterName` names the cluster, with whether the link is certain.
 * Only those that can (a reference to it, its literal name, a deploy-time value) are asked.
 */
export function ofCluster(model: ModelReader, type: string, cluster: Resource): Array<{ resource: Resource; maybe: boolean }> {
  const index = clusterNameIndex(model, type);
  const name = literal(clusterProperties(cluster).Name);
  const candidates = [...index.byRef.get(cluster) ?? [], ...(name !== undefined ? index.byName.get(name) ?? [] : []), ...index.rest]
    .sort((a, b) => index.order.get(a)! - index.order.get(b)!);
  return candidates.flatMap((r) => {
    const names = model.namesCluster(clusterNameOf(r), cluster);
    if (names === true) return [{ resource: r, maybe: r.exists !== true }];
    // a name that is a deploy-time value may be this cluster's, whether or not there are others,
    // unless it is another cluster's own name (the same parameter): names are unique in a region
    if (names === 'unknown') {
      const others = clusterResources(model.index).filter((c) => c !== cluster);
      return others.some((c) => model.namesCluster(clusterNameOf(r), c) === true) ? [] : [{ resource: r, maybe: true }];
    }
    return [];
  });
}

export function computeOf(model: ModelReader, cluster: Resource, clusterSubnets: SubnetView[]): ComputeView[] {
  const subnetsOf = (value: Value) => {
    const list = toList(value);
    return list instanceof Unknown ? { subnets: [], unknownSubnets: list.why } : { subnets: list.map((s) => model.subnet(s)) };
  };
  const compute: ComputeView[] = [];
  for (const { resource, maybe } of ofCluster(model, 'AWS::EKS::Nodegroup', cluster)) {
    // with a launch template that names security groups, EKS gives the nodes those and not the cluster's
    const groups = resource.properties.LaunchTemplate === undefined ? [] : launchTemplateGroups(model, resource.properties.LaunchTemplate);
    compute.push({
      what: `the nodes of ${resource.display}`, ...subnetsOf(resource.properties.Subnets), needs: NODE_ENDPOINTS, maybe, resource,
      securityGroups: groups.length > 0 ? groups : undefined,
    });
  }
  const profiles = [...ofCluster(model, 'AWS::EKS::FargateProfile', cluster), ...ofCluster(model, V1_FARGATE_PROFILE, cluster)];
  for (const { resource, maybe } of profiles) {
    // Fargate pods pull images and get credentials like nodes do; AWS lists the same endpoints.
    // Without Subnets, EKS uses the cluster's private subnets (those with no internet gateway route).
    const own = fargateProfileProperties(resource).Subnets;
    const subnets = own === undefined ? { subnets: clusterSubnets.filter((s) => s.egress !== 'igw') } : subnetsOf(own);
    compute.push({ what: `the Fargate pods of ${resource.display}`, ...subnets, needs: FARGATE_ENDPOINTS, maybe, resource });
  }
  // self-managed nodes: an Auto Scaling group tagged kubernetes.io/cluster/<name>, the tag the
  // node bootstrap and AWS's node group template set (eks/latest/userguide/launch-workers.html)
  for (const group of model.index.ofType('AWS::AutoScaling::AutoScalingGroup')) {
    const owns = tagsNameCluster(model, group, cluster);
    if (owns === false) continue;
    const p = group.properties;
    const spec = p.LaunchTemplate ?? at(p.MixedInstancesPolicy, 'LaunchTemplate', 'LaunchTemplateSpecification');
    const groups = spec !== undefined ? launchTemplateGroups(model, spec)
      : p.LaunchConfigurationName !== undefined ? launchConfigurationGroups(model, p.LaunchConfigurationName) : [];
    compute.push({
      what: `the self-managed nodes of ${group.display}`, ...subnetsOf(p.VPCZoneIdentifier), needs: NODE_ENDPOINTS,
      maybe: owns === 'unknown' || group.exists !== true, resource: group,
      // with no group of their own, instances get the VPC's default group
      securityGroups: groups.length > 0 ? groups : [new Unknown('the VPC\'s default security group')],
    });
  }
  // Auto Mode: EKS launches nodes in the cluster's subnets (the built-in node class), with
  // the Pod Identity agent built in, so eks-auth joins the list
  const computeConfig = clusterProperties(cluster).ComputeConfig;
  if (toFact(at(computeConfig, 'Enabled'), false) !== false) {
    const enabled = toFact(at(computeConfig, 'Enabled'), false);
    compute.push({
      what: 'the Auto Mode nodes', subnets: clusterSubnets, needs: AUTO_MODE_ENDPOINTS, maybe: enabled === 'unknown',
      unknownSubnets: clusterSubnets.length === 0 ? 'the cluster\'s subnets, not known at synth' : undefined,
    });
  }
  return compute;
}

/**
 * The launch template a `LaunchTemplate` property names, by ID reference or by literal name
 * (`LaunchTemplateId`/`LaunchTemplateName` on instances and Auto Scaling groups, `Id`/`Name`
 * on EKS node groups).
 */
export function launchTemplate(model: ModelReader, spec: Value): Resource | undefined {
  const id = at(spec, 'LaunchTemplateId') ?? at(spec, 'Id');
  const name = at(spec, 'LaunchTemplateName') ?? at(spec, 'Name');
  const byRef = model.index.deref(id, 'AWS::EC2::LaunchTemplate') ?? model.index.deref(name, 'AWS::EC2::LaunchTemplate');
  if (byRef) return byRef;
  const literalName = literal(name);
  return literalName === undefined ? undefined : model.index.ofType('AWS::EC2::LaunchTemplate').find((t) => literal(t.properties.LaunchTemplateName) === literalName);
}

/** The security groups a launch template gives its instances; an unknown one when the template is not in the templates given. */
export function launchTemplateGroups(model: ModelReader, spec: Value): Value[] {
  const template = launchTemplate(model, spec);
  if (!template) return [new Unknown('the security groups of a launch template not in the templates given')];
  const data = template.properties.LaunchTemplateData;
  const nic = listOrUnknown(at(data, 'NetworkInterfaces'))[0];
  return [...listOrUnknown(at(data, 'SecurityGroupIds')), ...listOrUnknown(at(data, 'SecurityGroups')), ...listOrUnknown(at(nic, 'Groups'))];
}

export function launchConfigurationGroups(model: ModelReader, name: Value): Value[] {
  const config = model.index.deref(name, 'AWS::AutoScaling::LaunchConfiguration');
  return config ? listOrUnknown(config.properties.SecurityGroups) : [new Unknown('the security groups of a launch configuration not in the templates given')];
}
