/** Known API clients: instances and functions whose role has an access entry on the cluster or is mapped in aws-auth, and the kubectl handler. */
import { CLIENT_METADATA_KEY, CLUSTER_BASTION_CLIENT } from '../../../shared/client-metadata';
import { Resource } from '../template/template-set';
import { asList, at, describe, literal, Unknown, Value } from '../template/value';
import { readAwsAuth } from './aws-auth';
import { KUBERNETES_RESOURCE } from './cluster-config';
import { launchTemplate, ofCluster } from './compute';
import { listOrUnknown } from './values';
import { ClientView, ModelReader } from './views';

/**
 * Known API clients of a cluster: instances and functions whose role has an access entry on it
 * or is mapped in its aws-auth ConfigMap, and the kubectl handler that applies its Kubernetes
 * manifests (it calls the API with the cluster creator's role, which needs neither).
 */
export function clientsOf(model: ModelReader, cluster: Resource): ClientView[] {
  const found = new Map<Resource, { kind: ClientView['kind']; maybe: boolean }>();
  const add = (compute: Resource, kind: ClientView['kind'], maybe: boolean) => {
    const marker = compute.metadata(CLIENT_METADATA_KEY) as { client?: unknown } | undefined;
    const known = found.get(compute);
    // an entry that may be for another cluster, or may not exist, makes a client that may be one
    found.set(compute, { kind: marker?.client === CLUSTER_BASTION_CLIENT ? 'ClusterBastion' : known?.kind ?? kind, maybe: (known?.maybe ?? true) && maybe });
  };
  const byRole = (arn: Value) => {
    const role = model.index.deref(arn, 'AWS::IAM::Role');
    return role ? computeByRole(model).get(role) ?? [] : [];
  };
  for (const { resource: entry, maybe } of ofCluster(model, 'AWS::EKS::AccessEntry', cluster)) {
    for (const compute of byRole(entry.properties.PrincipalArn)) add(compute, 'access entry', maybe);
  }
  for (const type of KUBECTL_RESOURCES) {
    for (const { resource, maybe } of ofCluster(model, type, cluster)) {
      if (type === KUBERNETES_RESOURCE) {
        const mappings = readAwsAuth(resource.properties.Manifest);
        for (const arn of mappings?.roles ?? []) for (const compute of byRole(arn)) add(compute, 'aws-auth', maybe);
      }
      const handler = kubectlHandler(model, resource.properties.ServiceToken);
      if (handler) add(handler, 'kubectl handler', maybe);
    }
  }
  return [...found].map(([compute, { kind, maybe }]) => ({ ...client(model, compute, kind), ...(maybe ? { maybe } : {}) }));
}

/** The resources the kubectl handler applies (aws-eks v1 and aws-eks-v2): each names its cluster by `ClusterName`. */
const KUBECTL_RESOURCES = [KUBERNETES_RESOURCE, 'Custom::AWSCDK-EKS-HelmChart', 'Custom::AWSCDK-EKS-KubernetesPatch', 'Custom::AWSCDK-EKS-KubernetesObjectValue'];

/**
 * The function that runs kubectl for a custom resource: its service token is the provider
 * framework's onEvent function, which invokes the handler named in its environment
 * (`USER_ON_EVENT_FUNCTION_ARN`); a token that is a function with no such variable is the handler.
 * @see node_modules/aws-cdk-lib/aws-eks/lib/kubectl-provider.js
 */
function kubectlHandler(model: ModelReader, serviceToken: Value): Resource | undefined {
  const fn = model.index.deref(serviceToken, 'AWS::Lambda::Function');
  const user = model.index.deref(at(fn?.properties.Environment, 'Variables', 'USER_ON_EVENT_FUNCTION_ARN'), 'AWS::Lambda::Function');
  return user ?? fn;
}

export function client(model: ModelReader, compute: Resource, kind: ClientView['kind']): ClientView {
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
      const template = launchTemplate(model, p.LaunchTemplate);
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
  const subnet = subnetId !== undefined ? model.subnet(subnetId) : undefined;
  return {
    display: compute.display,
    kind,
    sessionManager: kind === 'ClusterBastion' || managedBySessionManager(model, compute),
    instance: compute,
    subnet,
    securityGroups,
    vpcKey: subnet?.vpc ?? literalVpcId(model, securityGroups),
    outsideVpc,
  };
}

/** Whether an instance's role has the AWS managed policy for Systems Manager (and so Session Manager): BastionHostLinux's way in. */
export function managedBySessionManager(model: ModelReader, compute: Resource): boolean {
  if (compute.type !== 'AWS::EC2::Instance') return false;
  const profile = model.index.deref(compute.properties.IamInstanceProfile, 'AWS::IAM::InstanceProfile');
  return asList(profile?.properties.Roles).some((r) => {
    const role = model.index.deref(r, 'AWS::IAM::Role');
    return asList(role?.properties.ManagedPolicyArns).some((arn) => /:policy\/AmazonSSMManagedInstanceCore$/.test(describe(arn)));
  });
}

const roleCompute = new WeakMap<ModelReader, Map<Resource, Resource[]>>();

/** Instances (by their instance profile's role) and Lambda functions (by their role), built once per model. */
export function computeByRole(model: ModelReader): Map<Resource, Resource[]> {
  let found = roleCompute.get(model);
  if (!found) {
    const map = new Map<Resource, Resource[]>();
    const add = (role: Resource | undefined, compute: Resource) => {
      if (role) map.set(role, [...(map.get(role) ?? []), compute]);
    };
    for (const instance of model.index.ofType('AWS::EC2::Instance')) {
      const profile = model.index.deref(instance.properties.IamInstanceProfile, 'AWS::IAM::InstanceProfile');
      asList(profile?.properties.Roles).forEach((r) => add(model.index.deref(r, 'AWS::IAM::Role'), instance));
    }
    // a SAM function becomes an AWS::Lambda::Function with the same Role and VpcConfig
    for (const fn of [...model.index.ofType('AWS::Lambda::Function'), ...model.index.ofType('AWS::Serverless::Function')]) {
      add(model.index.deref(fn.properties.Role, 'AWS::IAM::Role'), fn);
    }
    found = map;
    roleCompute.set(model, found);
  }
  return found;
}

/** The literal VPC ID of the first security group (in the templates) that names one: how an imported VPC is recognised. */
export function literalVpcId(model: ModelReader, securityGroups: Value[]): string | undefined {
  return securityGroups.map((sg) => literal(model.index.deref(sg, 'AWS::EC2::SecurityGroup')?.properties.VpcId))
    .find((id): id is string => id !== undefined);
}
