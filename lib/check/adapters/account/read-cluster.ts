/**
 * Reads a running EKS cluster, read-only, into the account template (issue 15 item 2): its
 * endpoint flags, allow-list, subnets, groups and configuration (`eks:DescribeCluster`), its access
 * entries, node groups and Fargate profiles, then its VPC (read-network.ts), then the EC2 instances
 * in the VPC with their instance profile's role, so that an instance whose role has an access
 * entry is a known API client, as in a template (engine/model/clients.ts links Instance ->
 * InstanceProfile.Roles -> Role, and AccessEntry.PrincipalArn -> Role.Arn).
 */
import { AccountRead, accountRead, AccountTemplate } from './account-template';
import { AccountReadError, Answer, Caller, NotAnswered, Paging } from './caller';
import { readConnectedVpcs, readSubnetsVpcs, readVpc } from './read-network';

type Json = Record<string, any>;

const EKS_PAGES: Paging = { sizeKey: 'maxResults', maxSize: 100, token: 'nextToken' };
const IAM_PAGES: Paging = { sizeKey: 'MaxItems', maxSize: 1000, token: 'Marker' };

/** What readCluster reads besides the cluster and its VPC. */
export interface ReadClusterOptions {
  /**
   * Also the VPCs one hop away in the same account and region (peered, or attached to the same
   * Transit Gateway), with their instances: their Resolver rules, routes and clients.
   * @default true
   */
  readonly connected?: boolean;
}

/**
 * Reads the cluster `name` and its network. Throws AccountReadError when there is no such cluster
 * (or no credentials); a call refused leaves its fact a parameter without a value.
 */
export async function readCluster(caller: Caller, name: string, into: AccountTemplate = new AccountTemplate(), options: ReadClusterOptions = {}): Promise<AccountRead> {
  const t = into;
  const answer = await caller.call('eks', 'DescribeCluster', { name }, `the cluster ${name}`).catch((e) => {
    if (e instanceof AccountReadError && e.code === 'ResourceNotFoundException') {
      throw new AccountReadError(`no EKS cluster named ${name} in ${caller.region} (eks:DescribeCluster: ResourceNotFoundException): check the name and --region`, e.code);
    }
    throw e;
  });
  if (answer instanceof NotAnswered) {
    throw new AccountReadError(`${answer.why}: reading a cluster needs it (print the policy with --print-policy)`, 'AccessDenied');
  }
  const c = answer.cluster as Json;
  const account = /^arn:[^:]+:eks:[^:]*:(\d{12}):/.exec(String(c.arn ?? ''))?.[1];
  if (account) t.account ??= account;
  const clusterId = name;
  const vpc = (c.resourcesVpcConfig ?? {}) as Json;
  const clusterSgId = vpc.clusterSecurityGroupId as string | undefined;
  const clusterLogical = t.add('AWS::EKS::Cluster', clusterId, {}, {
    ...(c.arn ? { Arn: c.arn } : {}), ...(clusterSgId ? { ClusterSecurityGroupId: clusterSgId } : {}),
    ...(c.endpoint ? { Endpoint: c.endpoint } : {}), ...(c.identity?.oidc?.issuer ? { OpenIdConnectIssuerUrl: c.identity.oidc.issuer } : {}),
    ...(c.status ? { Status: c.status } : {}), ...(c.version ? { Version: c.version } : {}),
  }, `Cluster${name}`);
  if (clusterSgId) t.setClusterSecurityGroup(clusterSgId, clusterLogical);
  const subnetIds = (vpc.subnetIds ?? []) as string[];

  const clusterRef = t.ref(clusterId);
  const [entries, nodegroups, profiles] = await Promise.all([
    listAll(caller, 'ListAccessEntries', { clusterName: name }, 'accessEntries', `the access entries of ${name}`),
    listAll(caller, 'ListNodegroups', { clusterName: name }, 'nodegroups', `the node groups of ${name}`),
    listAll(caller, 'ListFargateProfiles', { clusterName: name }, 'fargateProfileNames', `the Fargate profiles of ${name}`),
  ]);
  for (const [list, what] of [[entries, 'AccessEntries'], [nodegroups, 'Nodegroups'], [profiles, 'FargateProfiles']] as const) {
    // the engine has no way to say "entries not read": the parameter keeps it in the template for the reader of it
    if (list instanceof NotAnswered) t.notRead(`${what}${name}`, `the ${what} of the cluster ${name}: ${list.why}`, 'CommaDelimitedList');
  }
  const roles = new Set<string>();
  for (const arn of entries instanceof NotAnswered ? [] : entries as string[]) {
    roles.add(arn);
    t.addPart('AWS::EKS::AccessEntry', `${name}AccessEntry${roleName(arn) ?? arn}`, { ClusterName: clusterRef, PrincipalArn: t.ref(arn) }, { id: `${name}/${arn}` });
  }
  for (const group of nodegroups instanceof NotAnswered ? [] : nodegroups as string[]) {
    const answer = await caller.call('eks', 'DescribeNodegroup', { clusterName: name, nodegroupName: group }, `the node group ${group}`);
    const ng = answer instanceof NotAnswered ? undefined : answer.nodegroup as Json;
    const notRead = (what: string) => t.notRead(`${what}${name}${group}`, `${what} of the node group ${group}: ${answer instanceof NotAnswered ? answer.why : 'not in DescribeNodegroup\'s answer'}`, 'CommaDelimitedList');
    const lt = ng?.launchTemplate as Json | undefined;
    t.add('AWS::EKS::Nodegroup', `${name}/${group}`, {
      ClusterName: clusterRef,
      NodegroupName: group,
      NodeRole: ng?.nodeRole ? t.ref(ng.nodeRole) : notRead('NodeRole'),
      Subnets: ng?.subnets ? (ng.subnets as string[]).map((id) => t.ref(id)) : notRead('Subnets'),
      // the launch template is named, not read (its data may hold secrets in user data): its groups are unknown to the engine
      ...(lt ? { LaunchTemplate: { ...(lt.id ? { Id: lt.id } : {}), ...(lt.name && !lt.id ? { Name: lt.name } : {}), ...(lt.version ? { Version: lt.version } : {}) } } : {}),
    }, { ...(ng?.nodegroupArn ? { Arn: ng.nodegroupArn } : {}) }, `Nodegroup${name}${group}`);
  }
  for (const profileName of profiles instanceof NotAnswered ? [] : profiles as string[]) {
    const answer = await caller.call('eks', 'DescribeFargateProfile', { clusterName: name, fargateProfileName: profileName }, `the Fargate profile ${profileName}`);
    const p = answer instanceof NotAnswered ? undefined : answer.fargateProfile as Json;
    const notRead = (what: string) => t.notRead(`${what}${name}${profileName}`, `${what} of the Fargate profile ${profileName}: ${answer instanceof NotAnswered ? answer.why : 'not in DescribeFargateProfile\'s answer'}`, 'CommaDelimitedList');
    t.add('AWS::EKS::FargateProfile', `${name}/fargate/${profileName}`, {
      ClusterName: clusterRef,
      FargateProfileName: profileName,
      PodExecutionRoleArn: p?.podExecutionRoleArn ?? notRead('PodExecutionRoleArn'),
      Subnets: p?.subnets ? (p.subnets as string[]).map((id) => t.ref(id)) : notRead('Subnets'),
      Selectors: p?.selectors ? (p.selectors as Json[]).map((s) => ({
        Namespace: s.namespace, ...(s.labels ? { Labels: Object.entries(s.labels as Record<string, string>).map(([Key, Value]) => ({ Key, Value })) } : {}),
      })) : notRead('Selectors'),
    }, {}, `FargateProfile${name}${profileName}`);
  }

  // the VPC: the answer's vpcId, else the VPC of the cluster's subnets (moto leaves vpcId out)
  let vpcIds: string[];
  if (typeof vpc.vpcId === 'string') {
    await readVpc(caller, vpc.vpcId, t);
    vpcIds = [vpc.vpcId];
  } else {
    vpcIds = await readSubnetsVpcs(caller, subnetIds, t);
  }
  for (const id of vpcIds) await readClients(caller, t, id, roles);
  if (options.connected ?? true) {
    // the clients across a connection are the cluster's remote clients (engine/model/clients.ts places them by their subnet)
    for (const connected of await readConnectedVpcs(caller, t, t.account)) await readClients(caller, t, connected, roles);
  }

  // the cluster's properties last: an allow-list entry that is a NAT gateway's Elastic IP is written as that EIP
  t.setProperties(clusterLogical, clusterProperties(t, name, c));
  if (!clusterSgId) {
    // moto's answer has no clusterSecurityGroupId (AWS's always has): which group it is, and so its rules, are not known
    t.clusterGroupNotRead(`the cluster security group of ${name} and its rules: clusterSecurityGroupId is not in DescribeCluster's answer`, clusterLogical);
  }
  return accountRead(t, caller);
}

/** The cluster's properties in AWS::EKS::Cluster's shape, from DescribeCluster's answer; what it leaves out is not read. */
function clusterProperties(t: AccountTemplate, name: string, c: Json): Json {
  const vpc = (c.resourcesVpcConfig ?? {}) as Json;
  const missing = (field: string, list = false) => t.notRead(`${field}${name}`, `${field} of the cluster ${name}: not in DescribeCluster's answer`, list ? 'CommaDelimitedList' : 'String');
  const subnetIds = (vpc.subnetIds ?? []) as string[];
  const properties: Json = {
    Name: name,
    RoleArn: c.roleArn ?? missing('RoleArn'),
    ResourcesVpcConfig: {
      SubnetIds: vpc.subnetIds ? subnetIds.map((id) => t.ref(id)) : missing('SubnetIds', true),
      SecurityGroupIds: vpc.securityGroupIds ? (vpc.securityGroupIds as string[]).map((id) => t.ref(id)) : missing('SecurityGroupIds', true),
      EndpointPublicAccess: typeof vpc.endpointPublicAccess === 'boolean' ? vpc.endpointPublicAccess : missing('EndpointPublicAccess'),
      EndpointPrivateAccess: typeof vpc.endpointPrivateAccess === 'boolean' ? vpc.endpointPrivateAccess : missing('EndpointPrivateAccess'),
      PublicAccessCidrs: vpc.publicAccessCidrs ? (vpc.publicAccessCidrs as string[]).map((cidr) => allowListEntry(t, cidr)) : missing('PublicAccessCidrs', true),
      ...(vpc.controlPlaneEgressMode ? { ControlPlaneEgressMode: vpc.controlPlaneEgressMode } : {}),
    },
    AccessConfig: { AuthenticationMode: c.accessConfig?.authenticationMode ?? missing('AuthenticationMode') },
  };
  const k8s = c.kubernetesNetworkConfig as Json | undefined;
  if (k8s) {
    properties.KubernetesNetworkConfig = {
      ...(k8s.serviceIpv4Cidr ? { ServiceIpv4Cidr: k8s.serviceIpv4Cidr } : {}),
      ...(k8s.serviceIpv6Cidr ? { ServiceIpv6Cidr: k8s.serviceIpv6Cidr } : {}),
      ...(k8s.ipFamily ? { IpFamily: k8s.ipFamily } : {}),
      ...(k8s.elasticLoadBalancing ? { ElasticLoadBalancing: { Enabled: k8s.elasticLoadBalancing.enabled } } : {}),
    };
  }
  if (c.logging) {
    const enabled = ((c.logging.clusterLogging ?? []) as Json[]).filter((l) => l.enabled).flatMap((l) => l.types as string[]);
    properties.Logging = { ClusterLogging: { EnabledTypes: enabled.map((type) => ({ Type: type })) } };
  } else {
    properties.Logging = missing('Logging');
  }
  if (Array.isArray(c.encryptionConfig)) {
    if (c.encryptionConfig.length > 0) {
      properties.EncryptionConfig = (c.encryptionConfig as Json[]).map((e) => ({ Resources: e.resources, Provider: { KeyArn: e.provider?.keyArn } }));
    }
  } else {
    properties.EncryptionConfig = missing('EncryptionConfig', true);
  }
  const remote = c.remoteNetworkConfig as Json | undefined;
  if (remote) {
    const networks = (list: Json[] | undefined) => (list ?? []).map((n) => ({ Cidrs: n.cidrs ?? [] }));
    properties.RemoteNetworkConfig = {
      RemoteNodeNetworks: networks(remote.remoteNodeNetworks),
      ...(remote.remotePodNetworks ? { RemotePodNetworks: networks(remote.remotePodNetworks) } : {}),
    };
  }
  if (c.computeConfig) {
    properties.ComputeConfig = {
      Enabled: c.computeConfig.enabled ?? false,
      ...(c.computeConfig.nodePools ? { NodePools: c.computeConfig.nodePools } : {}),
      ...(c.computeConfig.nodeRoleArn ? { NodeRoleArn: t.ref(c.computeConfig.nodeRoleArn) } : {}),
    };
  }
  return properties;
}

/** An allow-list entry: the Elastic IP read with that address, as `Fn::Join` of its `Ref` (its address) and `/32`, else the block as read. */
function allowListEntry(t: AccountTemplate, cidr: string): unknown {
  const address = /^(\d{1,3}(?:\.\d{1,3}){3})\/32$/.exec(cidr)?.[1];
  const eip = address ? t.findByAttribute('AWS::EC2::EIP', 'PublicIp', address) : undefined;
  return eip ? { 'Fn::Join': ['', [t.ref(eip, 'Ref'), '/32']] } : cidr;
}


/** Tags that mark an instance as a node (a managed node group's, Auto Mode's, a self-managed node's): nodes are compute, not clients. */
function isNode(tags: Json[]): boolean {
  return tags.some((tag) => tag.Key === 'eks:nodegroup-name' || tag.Key === 'eks:eks-cluster-name' || /^kubernetes\.io\/cluster\//.test(tag.Key));
}

/**
 * The EC2 instances in the cluster's VPC that are not nodes, with their subnet, groups, Name and
 * instance profile, the profile's role and the role's managed policies (Session Manager's policy
 * makes a bastion reachable by Session Manager, engine/model/clients.ts).
 */
async function readClients(caller: Caller, t: AccountTemplate, vpcId: string, entryPrincipals: Set<string>): Promise<void> {
  const pages = await caller.pages('ec2', 'DescribeInstances', {
    Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }],
  }, { sizeKey: 'MaxResults', maxSize: 1000, token: 'NextToken' }, `the instances in ${vpcId}`);
  if (pages instanceof NotAnswered) {
    t.notRead(`Instances${vpcId}`, `the instances in ${vpcId}: ${pages.why}`, 'CommaDelimitedList');
    return;
  }
  const instances = pages.flatMap((p) => (p.Reservations ?? []) as Json[]).flatMap((r) => (r.Instances ?? []) as Json[])
    .filter((i) => i.VpcId === undefined || i.VpcId === vpcId);
  for (const i of instances) {
    const tags = (i.Tags ?? []) as Json[];
    if (isNode(tags)) continue;
    const profileArn = i.IamInstanceProfile?.Arn as string | undefined;
    if (profileArn && !t.has(profileArn)) await readInstanceProfile(caller, t, profileArn, entryPrincipals);
    const groups = ((i.SecurityGroups ?? []) as Json[]).map((g) => t.ref(g.GroupId));
    t.add('AWS::EC2::Instance', i.InstanceId, {
      SubnetId: t.ref(i.SubnetId),
      SecurityGroupIds: groups,
      ...(profileArn ? { IamInstanceProfile: t.ref(profileArn) } : {}),
      ...(tags.length > 0 ? { Tags: tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })) } : {}),
    }, { ...(i.PrivateIpAddress ? { PrivateIp: i.PrivateIpAddress } : {}), ...(i.State?.Name ? { State: i.State.Name } : {}) });
  }
}

/** An instance profile, its roles and each role's managed policies. */
async function readInstanceProfile(caller: Caller, t: AccountTemplate, profileArn: string, entryPrincipals: Set<string>): Promise<void> {
  const profileName = profileArn.split('/').pop()!;
  const answer = await caller.call('iam', 'GetInstanceProfile', { InstanceProfileName: profileName }, `the instance profile ${profileName}`);
  const profile = answer instanceof NotAnswered ? undefined : answer.InstanceProfile as Json;
  const roles = (profile?.Roles ?? []) as Json[];
  for (const role of roles) {
    if (t.has(role.Arn)) continue;
    const attached = await caller.pages('iam', 'ListAttachedRolePolicies', { RoleName: role.RoleName }, IAM_PAGES, `the managed policies of the role ${role.RoleName}`);
    t.add('AWS::IAM::Role', role.Arn, {
      RoleName: role.RoleName,
      ManagedPolicyArns: attached instanceof NotAnswered
        ? t.notRead(`ManagedPolicyArns${role.RoleName}`, `the managed policies of the role ${role.RoleName}: ${attached.why}`, 'CommaDelimitedList')
        : attached.flatMap((a) => (a.AttachedPolicies ?? []) as Json[]).map((p) => p.PolicyArn),
    }, { Arn: role.Arn, ...(entryPrincipals.has(role.Arn) ? { AccessEntry: 'true' } : {}) }, `Role${role.RoleName}`);
  }
  t.add('AWS::IAM::InstanceProfile', profileArn, {
    Roles: answer instanceof NotAnswered
      ? t.notRead(`Roles${profileName}`, `the roles of the instance profile ${profileName}: ${answer.why}`, 'CommaDelimitedList')
      : roles.map((r) => t.ref(r.Arn, 'Ref')),
  }, { Arn: profileArn }, `InstanceProfile${profileName}`);
}

/** The role name of a role ARN (`arn:aws:iam::1:role/path/name` -> `name`). */
function roleName(arn: string): string | undefined {
  return /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
}

/** Every page of an EKS list call, its items gathered. */
async function listAll(caller: Caller, operation: string, input: Json, key: string, what: string): Promise<Answer<unknown[]>> {
  const pages = await caller.pages('eks', operation, input, EKS_PAGES, what);
  if (pages instanceof NotAnswered) return pages;
  return pages.flatMap((p) => (p[key] ?? []) as unknown[]);
}
