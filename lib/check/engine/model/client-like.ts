/**
 * Instances that look like API clients though no access entry in the templates names them: a
 * bastion host (`ec2.BastionHostLinux`, or any instance with "bastion" or "kubectl" in its
 * construct path, logical ID or Name tag), or an instance whose user data
 * installs or runs kubectl (`kubectl`, `aws eks update-kubeconfig`). Access may be granted outside
 * the templates (aws-auth, the console, `aws eks create-access-entry`), so the check cannot know
 * they are not clients; a rule judges their path, at a warning.
 */
import { Resource } from '../template/template-set';
import { Value } from '../template/value';
import { readAwsAuth } from './aws-auth';
import { client, computeByRole } from './clients';
import { ClientLike, ClusterView, ClientView } from './views';

/** Words in user data that install or run kubectl, or write its kubeconfig for EKS. */
const KUBECTL = /\bkubectl\b|\beks\s+update-kubeconfig\b/;

/**
 * A bastion's or kubectl client's name, in its construct path, logical ID or Name tag: BastionHostLinux's
 * default `BastionHost`, or the `kubectl-client` aws-samples/aws-cdk-examples' private cluster names its BastionHostLinux.
 */
const BASTION = /bastion|kubectl/i;

const cache = new WeakMap<ClusterView, ClientLike[]>();

/**
 * The instances in the cluster VPC that look like API clients and are not known ones (a known
 * client is judged as such: no second finding). Built once per cluster view.
 */
export function clientLikeOf(cluster: ClusterView, known: ClientView[]): ClientLike[] {
  let found = cache.get(cluster);
  if (!found) {
    // a known client of this cluster, or of another (an access entry names its role): judged as such
    const knownInstances = new Set([...known.map((c) => c.instance), ...withAccessEntries(cluster)]);
    found = cluster.vpc === undefined ? [] : cluster.index.ofType('AWS::EC2::Instance')
      .filter((instance) => !knownInstances.has(instance))
      .flatMap((instance) => {
        const why = looksLikeClient(instance);
        if (why === undefined) return [];
        const view = client(cluster.model, instance, 'looks like a client');
        return view.vpcKey === cluster.vpc ? [{ client: view, why }] : [];
      });
    cache.set(cluster, found);
  }
  return found;
}

/** Instances whose role an access entry or an aws-auth mapping in the templates names, on any cluster. */
function withAccessEntries(cluster: ClusterView): Resource[] {
  const byRole = computeByRole(cluster.model);
  const ofRole = (arn: Value) => {
    const role = cluster.index.deref(arn, 'AWS::IAM::Role');
    return role ? byRole.get(role) ?? [] : [];
  };
  return [
    ...cluster.index.ofType('AWS::EKS::AccessEntry').flatMap((entry) => ofRole(entry.properties.PrincipalArn)),
    ...cluster.index.ofType('Custom::AWSCDK-EKS-KubernetesResource').flatMap((manifest) => (readAwsAuth(manifest.properties.Manifest)?.roles ?? []).flatMap(ofRole)),
  ];
}

/** Why an instance looks like an API client, or undefined. */
export function looksLikeClient(instance: Resource): string | undefined {
  if (KUBECTL.test(writtenText(instance.written('UserData')))) return 'its user data installs or runs kubectl';
  // aws-ec2's BastionHostLinux grants Session Manager by an inline policy (ssmmessages, ec2messages), which the reader does not render:
  // its name is what the templates show of it, as of any bastion a person logs in to
  if (BASTION.test(instance.display) || BASTION.test(nameTag(instance))) return 'a bastion host or kubectl client, by its name (as ec2.BastionHostLinux)';
  return undefined;
}

/** Every string in a value as written (inside Fn::Base64, Fn::Join, Fn::Sub), joined by new lines. */
function writtenText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(writtenText).join('\n');
  if (typeof value === 'object' && value !== null) return Object.values(value).map(writtenText).join('\n');
  return '';
}

function nameTag(instance: Resource): string {
  const tags = instance.written('Tags');
  const name = Array.isArray(tags) ? tags.find((t) => typeof t === 'object' && t !== null && (t as Record<string, unknown>).Key === 'Name') : undefined;
  return typeof name?.Value === 'string' ? name.Value : '';
}
