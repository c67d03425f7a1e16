#!/usr/bin/env node
/**
 * The lab app: one EKS cluster in the endpoint mode you choose, with a bastion.
 *
 *   npx cdk synth                                  # private (the default)
 *   npx cdk synth -c mode=public-and-private -c allowFrom=203.0.113.0/24
 *   npx cdk synth -c mode=public -c allowFrom=0.0.0.0/0 -c bastion=false
 *   npx cdk synth -c mode=public-and-private -c allowFrom=203.0.113.7/32 -c adminPrincipals=arn:aws:iam::123456789012:role/Admin
 *   npx cdk synth -c egress=isolated -c compute=auto-mode   # no internet at all, EKS Auto Mode
 *   npx cdk synth -c mode=public-and-private -c allowFrom=203.0.113.0/24 -c connectedCidrs=10.1.0.0/16,192.168.0.0/16   # + a virtual private gateway for them
 *   npx cdk synth -c remoteNodeNetworks=192.168.0.0/16 -c remotePodNetworks=172.16.0.0/16
 */
import { App, AspectPriority, Aspects, CfnOutput, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
// Imported file by file: lib/index also loads cdk-nag (for EndpointAccessChecks), 0.2 to 0.4 s the lab does not need.
import { ClusterCompute } from '../lib/cluster-compute';
import { ClusterEgress } from '../lib/cluster-egress';
import { EndpointCluster } from '../lib/endpoint-cluster';
import { EndpointMode } from '../lib/endpoint-mode';
import { PrivateResolutionCheck } from '../lib/check/adapters/private-resolution-check';
import { ValidationError } from '../lib/private/validation-error';

/** The lab's context keys and what each takes. */
export const CONTEXT_KEYS: Record<string, string> = {
  mode: 'public | public-and-private | private',
  allowFrom: 'comma-separated IPv4 CIDR blocks for the public endpoint',
  bastion: 'true | false',
  adminPrincipals: 'comma-separated IAM role or user ARNs granted cluster admin (kubectl from your laptop)',
  guard: 'true | false: AWS Control Tower\'s proactive controls (cfn-guard) at synth',
  egress: 'nat-gateway | isolated (no internet: VPC endpoints instead)',
  compute: 'nodegroup | auto-mode',
  connectedCidrs: 'comma-separated IPv4 CIDR blocks of connected networks (peering, Transit Gateway, VPN) whose clients use the private endpoint',
  remoteNodeNetworks: 'comma-separated RFC 1918 blocks of EKS Hybrid Nodes',
  remotePodNetworks: 'comma-separated RFC 1918 blocks of the pods on hybrid nodes',
};

const EGRESS: Record<string, ClusterEgress> = { 'nat-gateway': ClusterEgress.NAT_GATEWAY, 'isolated': ClusterEgress.ISOLATED };
const COMPUTE: Record<string, ClusterCompute> = { 'nodegroup': ClusterCompute.NODEGROUP, 'auto-mode': ClusterCompute.AUTO_MODE };

const ADMIN = eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER });

/** A mistake in `-c key=value`: printed as one line, with no stack trace. */
export class LabContextError extends Error {}

/** The lab's choices, read from context. */
export interface LabOptions {
  readonly mode: EndpointMode;
  readonly bastion: boolean;
  /** Given to EndpointCluster, which checks them. */
  readonly adminPrincipals?: string[];
  /** Whether to run AWS Control Tower's proactive controls (cfn-guard) at synth. */
  readonly guard?: boolean;
  readonly egress?: ClusterEgress;
  readonly compute?: ClusterCompute;
  /** Given to EndpointCluster, which checks them. */
  readonly connectedCidrs?: string[];
  readonly remoteNodeNetworks?: string[];
  readonly remotePodNetworks?: string[];
}

/** Reads and checks the lab's context; throws LabContextError with one line to show. */
export function labOptions(context: Record<string, unknown>): LabOptions {
  for (const key of Object.keys(context)) {
    if (key in CONTEXT_KEYS) continue; // remoteNodeNetworks is not a typo of remotePodNetworks
    const meant = Object.keys(CONTEXT_KEYS).find((k) => k !== key && nearlyEqual(k, key));
    if (meant) {
      throw new LabContextError(`Unknown context key "${key}"; did you mean "${meant}"? Valid keys: ${describeKeys()}.`);
    }
  }
  const modeName = String(context.mode ?? 'private');
  let mode: EndpointMode;
  try {
    mode = EndpointMode.of(modeName); // in any case: -c mode=Private is private
  } catch {
    throw new LabContextError(`Invalid -c mode=${modeName}: expected one of public, public-and-private, private.`);
  }
  const allowFrom = context.allowFrom === undefined ? '' : String(context.allowFrom).trim();
  if (allowFrom !== '') {
    const cidrs = allowFrom.split(',').map((c) => c.trim()).filter((c) => c !== '');
    if (!mode.publicAccess) {
      throw new LabContextError(
        `Invalid -c allowFrom=${allowFrom}: mode ${mode.name} has no public endpoint to limit. ` +
        `Use -c mode=public-and-private -c allowFrom=${allowFrom} for a restricted public endpoint, or leave allowFrom out.`,
      );
    }
    if (cidrs.length === 0) {
      throw new LabContextError(`Invalid -c allowFrom=${allowFrom}: no CIDR block given. Give comma-separated IPv4 blocks, such as 203.0.113.0/24.`);
    }
    try {
      mode = mode.onlyFrom(...cidrs);
    } catch (e) {
      // what onlyFrom says of the blocks themselves (a bad prefix, over 40), without its API name
      throw new LabContextError(`Invalid -c allowFrom=${allowFrom}: ${(e as Error).message.replace(/^EndpointMode\.onlyFrom\(\): /, '')}`);
    }
  }
  const bastionValue = String(context.bastion ?? 'true');
  if (bastionValue !== 'true' && bastionValue !== 'false') {
    throw new LabContextError(`Invalid -c bastion=${bastionValue}: expected true or false.`);
  }
  const guardValue = String(context.guard ?? 'false');
  if (guardValue !== 'true' && guardValue !== 'false') {
    throw new LabContextError(`Invalid -c guard=${guardValue}: expected true or false.`);
  }
  const admins = list(context.adminPrincipals);
  const egress = choice(context, 'egress', EGRESS);
  const compute = choice(context, 'compute', COMPUTE);
  const connected = list(context.connectedCidrs);
  const remoteNodes = list(context.remoteNodeNetworks);
  const remotePods = list(context.remotePodNetworks);
  return {
    mode,
    bastion: bastionValue === 'true',
    ...(admins.length > 0 ? { adminPrincipals: admins } : {}),
    ...(guardValue === 'true' ? { guard: true } : {}),
    ...(egress !== undefined ? { egress } : {}),
    ...(compute !== undefined ? { compute } : {}),
    ...(connected.length > 0 ? { connectedCidrs: connected } : {}),
    ...(remoteNodes.length > 0 ? { remoteNodeNetworks: remoteNodes } : {}),
    ...(remotePods.length > 0 ? { remotePodNetworks: remotePods } : {}),
  };
}

/** A comma-separated context value as a list, blanks dropped. */
function list(value: unknown): string[] {
  return value === undefined ? [] : String(value).split(',').map((a) => a.trim()).filter((a) => a !== '');
}

/** A context value that names one of `choices`, or undefined when not given. */
function choice<T>(context: Record<string, unknown>, key: string, choices: Record<string, T>): T | undefined {
  if (context[key] === undefined) return undefined;
  const value = String(context[key]).trim();
  if (!(value in choices)) {
    throw new LabContextError(`Invalid -c ${key}=${value}: expected one of ${Object.keys(choices).join(', ')}.`);
  }
  return choices[value];
}

/** The -c values of the options EndpointCluster judges, as typed, for a refusal's one line. */
function givenContext(options: LabOptions): string {
  const shown: string[] = [`mode=${options.mode.name}`];
  const entries: Array<[string, unknown]> = [
    ['egress', options.egress === undefined ? undefined : Object.keys(EGRESS).find((k) => EGRESS[k] === options.egress)],
    ['compute', options.compute === undefined ? undefined : Object.keys(COMPUTE).find((k) => COMPUTE[k] === options.compute)],
    ['connectedCidrs', options.connectedCidrs?.join(',')],
    ['remoteNodeNetworks', options.remoteNodeNetworks?.join(',')],
    ['remotePodNetworks', options.remotePodNetworks?.join(',')],
    ['adminPrincipals', options.adminPrincipals?.join(',')],
  ];
  for (const [key, value] of entries) if (value !== undefined) shown.push(`${key}=${value}`);
  return shown.map((s) => `-c ${s}`).join(' ');
}

/**
 * The library's refusals that speak its API (EndpointMode.PRIVATE, egress NAT_GATEWAY, props the
 * lab has no key for), said in the lab's -c words: by the refusal's stable code, each the part of
 * the message to say otherwise. A refusal not listed speaks words the lab shares (adminPrincipals,
 * connectedCidrs[0], the CIDR blocks) and is shown as it is.
 */
const LAB_WORDS: Record<string, Array<[RegExp, string]>> = {
  EndpointClusterIsolatedPublic: [
    [/^egress ISOLATED with mode [\w-]+: /, ''],
    [/Use EndpointMode\.PRIVATE or EndpointMode\.PUBLIC_AND_PRIVATE \(nodes then use the private endpoint\), or egress NAT_GATEWAY\.$/,
      'Use -c mode=private or -c mode=public-and-private (nodes then use the private endpoint), or -c egress=nat-gateway.'],
  ],
  EndpointClusterConnectedWithoutPrivate: [
    [/^connectedVpcs\/connectedCidrs are given, but mode/, 'mode'],
    [/Use EndpointMode\.PRIVATE or EndpointMode\.PUBLIC_AND_PRIVATE, or remove them and add the networks' egress addresses with EndpointMode\.PUBLIC\.onlyFrom\(\.\.\.\)\.$/,
      'Use -c mode=private or -c mode=public-and-private, or leave connectedCidrs out and list the networks\' egress addresses in -c allowFrom.'],
  ],
  EndpointClusterHybridPublicAndPrivate: [
    [/Use EndpointMode\.PRIVATE, or EndpointMode\.PUBLIC\.onlyFrom\(\.\.\.\) with your on-premises egress addresses\.$/,
      'Use -c mode=private, or -c mode=public with your on-premises egress addresses in -c allowFrom.'],
  ],
  EndpointClusterPublicOpenNotAsked: [
    [/Limit it to the addresses that need it: .*$/,
      'Add -c allowFrom=<your address>/32 (curl https://checkip.amazonaws.com prints it), or -c allowFrom=0.0.0.0/0 to open it deliberately.'],
  ],
  EndpointClusterConnectedOverlapsVpc: [[/remove it from connectedVpcs\/connectedCidrs\.$/, 'leave it out of -c connectedCidrs.']],
  EndpointClusterRemoteNetworkOverlapsVpc: [[/, or a VPC in another range \(vpc\)\.$/, ' (the lab\'s VPC is 10.0.0.0/16).']],
  ClusterBastionKubectlNotInstalled: [[/, or set kubectlZipPath to a zip with kubectl\/kubectl inside\.$/, ', or leave the bastion out (-c bastion=false).']],
};

/** A refusal of the library, as one line in the lab's words. */
function inLabWords(e: ValidationError, options: LabOptions): string {
  let words = e.message.replace(/^(EndpointCluster|ClusterBastion): /, '');
  for (const [from, to] of LAB_WORDS[e.code] ?? []) words = words.replace(from, to);
  // the bastion's kubectl is about this machine, not the -c values
  return e.code.startsWith('ClusterBastion') ? words.charAt(0).toUpperCase() + words.slice(1) : `Refused ${givenContext(options)}: ${words}`;
}

/** What `getent hosts` on the bastion should answer, and how the traffic flows, per mode. */
function trafficNotes(mode: EndpointMode): { resolution: string; flow: string } {
  if (!mode.privateAccess) {
    return {
      resolution: 'public addresses: with public access only, EKS creates no private hosted zone',
      flow: 'bastion, nodes (kubelet, kube-proxy) and you all reach the public endpoint; in-VPC traffic leaves through the NAT gateway. API server to kubelet stays private.',
    };
  }
  if (mode.publicAccess) {
    return {
      resolution: 'private addresses in the VPC CIDR (the EKS-managed private hosted zone answers inside the VPC)',
      flow: 'bastion and nodes use the private endpoint (EKS-owned ENIs, cluster security group port 443); clients outside the VPC use the public endpoint.',
    };
  }
  return {
    resolution: 'private addresses in the VPC CIDR; outside the VPC the name also resolves to those private addresses',
    flow: 'everything goes through the private endpoint (EKS-owned ENIs, cluster security group port 443); there is no public endpoint.',
  };
}

/** Builds the lab app from context, with the private-resolution check on every cluster in it. */
export function buildLabApp(app: App, options: LabOptions): Stack {
  Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const stack = new Stack(app, 'EksEndpointLab', {
    description: 'cdk-eks-endpoint lab: an EKS cluster in a chosen endpoint mode, with a Session Manager bastion',
    env: account && region ? { account, region } : undefined,
  });
  let lab: EndpointCluster;
  try {
    lab = new EndpointCluster(stack, 'Lab', {
      mode: options.mode,
      bastion: options.bastion,
      adminPrincipals: options.adminPrincipals,
      // the lab's choice, made visible: the bastion is cluster admin (docs/SECURITY.md shows narrower ones)
      bastionOptions: options.bastion ? { accessPolicies: [ADMIN] } : undefined,
      egress: options.egress,
      compute: options.compute,
      connectedCidrs: options.connectedCidrs,
      remoteNodeNetworks: options.remoteNodeNetworks,
      remotePodNetworks: options.remotePodNetworks,
      // the lab's choice, made visible: a lab leaves nothing behind, its logs and keys included
      // (the library keeps them by default)
      removalPolicy: RemovalPolicy.DESTROY,
      // the lab's choice, made visible: its control-plane logs in a group it creates (a year, its own
      // key, deleted with the stack as above), for which the cluster gets a name made from its path;
      // a lab deployed before this was unnamed, and is replaced on its next deploy
      controlPlaneLogGroup: true,
    });
  } catch (e) {
    // a value or combination from -c that EndpointCluster refuses (an assumed-role ARN, egress
    // isolated with mode public), or a kubectl package not installed: one line, in -c words
    if (e instanceof ValidationError) throw new LabContextError(inLabWords(e, options));
    throw e;
  }
  if (options.guard) {
    // loaded only when asked for: it brings cfn-guard and Control Tower's rules (a devDependency)
    const { CfnGuardValidator } = require('@cdklabs/cdk-validator-cfnguard') as typeof import('@cdklabs/cdk-validator-cfnguard');
    Validations.of(app).addPlugins(new CfnGuardValidator({ controlTowerRulesEnabled: true }));
  }
  if (options.mode.publicAccess) {
    // a public endpoint is what this lab was asked for; CT.EKS.PR.1 refuses every public one
    Validations.of(lab.cluster).acknowledge({
      id: 'cdk-validator-cfnguard::eks_endpoint_no_public_access_check',
      reason: `The lab was asked for ${options.mode}: a public endpoint is the point (docs/SECURITY.md).`,
    });
  }
  const notes = trafficNotes(options.mode);
  const host = Fn.select(2, Fn.split('/', lab.cluster.clusterEndpoint));

  new CfnOutput(stack, 'ClusterName', { value: lab.cluster.clusterName });
  new CfnOutput(stack, 'EndpointMode', { value: options.mode.toString() });
  new CfnOutput(stack, 'ClusterEndpoint', { value: lab.cluster.clusterEndpoint });
  new CfnOutput(stack, 'TrafficFlow', { value: notes.flow });
  if (lab.resolverInboundAddresses.length > 0) {
    new CfnOutput(stack, 'ResolverInboundAddresses', {
      description: 'Forward the cluster endpoint\'s host name to these addresses from the connected networks\' DNS servers',
      value: lab.resolverInboundAddresses.join(','),
    });
  }
  if ((options.connectedCidrs ?? []).length > 0 && lab.vpc instanceof ec2.Vpc) {
    // connected networks reach the private endpoint only if every cluster subnet routes them back:
    // a virtual private gateway whose routes are propagated into every route table of the VPC (the
    // lab's own: its subnets are the cluster's), for your Site-to-Site VPN or Direct Connect to attach to
    lab.vpc.enableVpnGateway({
      type: 'ipsec.1',
      vpnRoutePropagation: [{ subnets: [...lab.vpc.publicSubnets, ...lab.vpc.privateSubnets, ...lab.vpc.isolatedSubnets] }],
    });
    new CfnOutput(stack, 'VpnGatewayId', {
      description: 'Attach your Site-to-Site VPN or Direct Connect for the connected networks here: its routes are propagated into every subnet',
      value: lab.vpc.vpnGatewayId!,
    });
  }
  if (options.egress === ClusterEgress.ISOLATED) {
    new CfnOutput(stack, 'VpcEndpoints', {
      description: 'No internet in this VPC: nodes and bastion reach AWS services through these VPC endpoints',
      value: lab.vpcEndpointServices.join(',') || 'none created (the VPC had them)',
    });
  }
  if (lab.bastion) {
    new CfnOutput(stack, 'BastionSessionCommand', { value: lab.bastion.sessionCommand });
    new CfnOutput(stack, 'BastionPortForwardCommand', {
      description: 'kubectl on your machine as yourself (your role in -c adminPrincipals): forwards localhost:8443 to the endpoint through the bastion; '
        + 'use the BastionPortForwardKubeconfig output as your kubeconfig',
      value: lab.bastion.portForwardCommand,
    });
    new CfnOutput(stack, 'BastionPortForwardKubeconfig', {
      description: 'A kubeconfig for BastionPortForwardCommand: server https://127.0.0.1:8443, the endpoint\'s name kept for TLS, tokens from your own credentials',
      value: lab.bastion.portForwardKubeconfig,
    });
    new CfnOutput(stack, 'ProveEndpoint', {
      description: 'Runs the proof on the bastion; then: aws ssm get-command-invocation --command-id <id> --instance-id <bastion> --query StandardOutputContent --output text',
      value: lab.bastion.proofCommand,
    });
    new CfnOutput(stack, 'VerifyResolution', {
      value: Fn.join('', [
        'On the bastion: getent hosts ', host, ` (or eks-endpoint-check) should answer ${notes.resolution}; then kubectl get nodes`,
      ]),
    });
  }
  return stack;
}

function nearlyEqual(a: string, b: string): boolean {
  if (a.toLowerCase() === b.toLowerCase()) {
    return true;
  }
  return editDistance(a.toLowerCase(), b.toLowerCase()) <= 2;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function describeKeys(): string {
  return Object.entries(CONTEXT_KEYS).map(([k, v]) => `${k} (${v})`).join(', ');
}

if (require.main === module) {
  const app = new App();
  let options: LabOptions;
  try {
    options = labOptions(app.node.getAllContext());
  } catch (e) {
    if (!(e instanceof LabContextError)) {
      throw e;
    }
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  try {
    buildLabApp(app, options);
  } catch (e) {
    if (!(e instanceof LabContextError)) {
      throw e;
    }
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
