/**
 * The clusters the engine reads, whatever resource defines them, in one shape: the properties of
 * `AWS::EKS::Cluster`. An aws-eks (v1) cluster is a `Custom::AWSCDK-EKS-Cluster` whose `Config` is
 * the EKS CreateCluster request (camelCase: `resourcesVpcConfig.endpointPublicAccess`, ...),
 * which its handler passes to the EKS API as it is; the same settings, with the same defaults
 * when left out (public access on, private access off, the allow-list 0.0.0.0/0). Every rule
 * reads the normalized shape, so none needs to know which module made the cluster.
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html
 * @see node_modules/aws-cdk-lib/aws-eks/lib/cluster.js (the Config the v1 Cluster writes)
 */
import { ResourceIndex } from '../template/resource-index';
import { Resource } from '../template/template-set';
import { at, isRecord, toFact, toList, Unknown, Value } from '../template/value';

/** aws-eks (v1)'s cluster resource. */
export const V1_CLUSTER = 'Custom::AWSCDK-EKS-Cluster';
/** aws-eks (v1)'s Fargate profile resource: `Config` is the CreateFargateProfile request. */
export const V1_FARGATE_PROFILE = 'Custom::AWSCDK-EKS-FargateProfile';
/** A Kubernetes manifest applied by the kubectl handler (aws-eks v1 and aws-eks-v2's KubernetesManifest, aws-auth included). */
export const KUBERNETES_RESOURCE = 'Custom::AWSCDK-EKS-KubernetesResource';
/** The resource types whose clusters the engine reads. */
export const CLUSTER_TYPES = ['AWS::EKS::Cluster', V1_CLUSTER];

export function isClusterType(type: string): boolean {
  return CLUSTER_TYPES.includes(type);
}

/** Every cluster of the templates, of every type the engine reads, in the templates' order by type. */
export function clusterResources(index: ResourceIndex): Resource[] {
  return CLUSTER_TYPES.flatMap((type) => index.ofType(type));
}

const normalized = new WeakMap<Resource, Record<string, Value>>();

/**
 * A cluster's properties in the `AWS::EKS::Cluster` shape. For a v1 cluster whose `Config` is a
 * deploy-time value, every property is that value (as for an `AWS::EKS::Cluster` whose whole
 * `Properties` is one): `unreadableConfig` says so, and the cluster is reported as not checked.
 */
export function clusterProperties(cluster: Resource): Record<string, Value> {
  if (cluster.type !== V1_CLUSTER) return cluster.properties;
  let props = normalized.get(cluster);
  if (!props) {
    const config = cluster.properties.Config;
    props = config instanceof Unknown ? new Proxy({}, { get: (_, key) => (typeof key === 'string' ? config : undefined) })
      : isRecord(config) ? fromV1Config(config) : {};
    normalized.set(cluster, props);
  }
  return props;
}

/** Why a cluster's configuration cannot be read at all, when it cannot: a v1 `Config` that is a deploy-time value. */
export function unreadableConfig(cluster: Resource): string | undefined {
  if (cluster.type !== V1_CLUSTER) return undefined;
  const config = cluster.properties.Config;
  if (config instanceof Unknown) return `its Config is ${config.why}`;
  return isRecord(config) ? undefined : 'it has no Config';
}

/**
 * The CreateCluster request as `AWS::EKS::Cluster` properties: the names capitalised
 * (`resourcesVpcConfig.subnetIds` is `ResourcesVpcConfig.SubnetIds`, `encryptionConfig[].provider.keyArn`
 * is `EncryptionConfig[].Provider.KeyArn`), and `logging.clusterLogging`, a list of
 * `{ enabled, types }`, as `Logging.ClusterLogging.EnabledTypes`, a list of `{ Type }`.
 */
export function fromV1Config(config: Record<string, Value>): Record<string, Value> {
  const props = capitalised(config) as Record<string, Value>;
  if (config.logging !== undefined) props.Logging = v1Logging(config.logging);
  return props;
}

function capitalised(value: Value): Value {
  if (Array.isArray(value)) return value.map(capitalised);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.charAt(0).toUpperCase() + key.slice(1), key === 'tags' ? v : capitalised(v)]));
}

/**
 * `{ clusterLogging: [{ enabled: true, types: ['api', ...] }] }` as `{ ClusterLogging: { EnabledTypes: [{ Type: 'api' }, ...] } }`.
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_LogSetup.html
 */
function v1Logging(logging: Value): Value {
  const setups = toList(at(logging, 'clusterLogging'));
  if (setups instanceof Unknown) return { ClusterLogging: { EnabledTypes: setups } };
  const enabled: Value[] = [];
  for (const setup of setups) {
    // a setup that does not say whether it is enabled is not read as either
    const flag = at(setup, 'enabled');
    const on = flag === undefined ? 'unknown' : toFact(flag, false);
    const types = toList(at(setup, 'types'));
    if (on === false) continue;
    if (on === 'unknown') enabled.push(new Unknown('whether a logging setup is enabled, a deploy-time value'));
    else if (types instanceof Unknown) enabled.push(types);
    else enabled.push(...types.map((type) => ({ Type: type })));
  }
  return { ClusterLogging: { EnabledTypes: enabled } };
}

/** A v1 Fargate profile's settings, read like an `AWS::EKS::FargateProfile`'s (`ClusterName`, `Subnets`, `Selectors`). */
export function fargateProfileProperties(profile: Resource): Record<string, Value> {
  if (profile.type !== V1_FARGATE_PROFILE) return profile.properties;
  const config = profile.properties.Config;
  if (config instanceof Unknown) return { ClusterName: config, Subnets: config, Selectors: config };
  return isRecord(config) ? capitalised(config) as Record<string, Value> : {};
}
