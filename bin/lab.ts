#!/usr/bin/env node
/**
 * The lab app: one EKS cluster in the endpoint mode you choose, with a bastion.
 *
 *   npx cdk synth                                  # private (the default)
 *   npx cdk synth -c mode=public-and-private -c allowFrom=203.0.113.0/24
 *   npx cdk synth -c mode=public -c bastion=false
 *   npx cdk synth -c mode=public-and-private -c allowFrom=203.0.113.7/32 -c adminPrincipals=arn:aws:iam::123456789012:role/Admin
 */
import { App, AspectPriority, Aspects, CfnOutput, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
// Imported file by file: lib/index also loads cdk-nag (for EndpointAccessChecks), 0.2 to 0.4 s the lab does not need.
import { EndpointCluster } from '../lib/endpoint-cluster';
import { EndpointMode } from '../lib/endpoint-mode';
import { PrivateResolutionCheck } from '../lib/check/private-resolution-check';

/** The lab's context keys and what each takes. */
export const CONTEXT_KEYS: Record<string, string> = {
  mode: 'public | public-and-private | private',
  allowFrom: 'comma-separated IPv4 CIDR blocks for the public endpoint',
  bastion: 'true | false',
  adminPrincipals: 'comma-separated IAM role or user ARNs granted cluster admin (kubectl from your laptop)',
  guard: 'true | false: AWS Control Tower\'s proactive controls (cfn-guard) at synth',
};

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
}

/** Reads and checks the lab's context; throws LabContextError with one line to show. */
export function labOptions(context: Record<string, unknown>): LabOptions {
  for (const key of Object.keys(context)) {
    const meant = Object.keys(CONTEXT_KEYS).find((k) => k !== key && nearlyEqual(k, key));
    if (meant) {
      throw new LabContextError(`Unknown context key "${key}"; did you mean "${meant}"? Valid keys: ${describeKeys()}.`);
    }
  }
  const modeName = String(context.mode ?? 'private');
  let mode: EndpointMode;
  try {
    mode = EndpointMode.of(modeName);
  } catch {
    throw new LabContextError(`Invalid -c mode=${modeName}: expected one of public, public-and-private, private.`);
  }
  const allowFrom = context.allowFrom === undefined ? '' : String(context.allowFrom).trim();
  if (allowFrom !== '') {
    const cidrs = allowFrom.split(',').map((c) => c.trim()).filter((c) => c !== '');
    try {
      mode = mode.onlyFrom(...cidrs);
    } catch (e) {
      throw new LabContextError(`Invalid -c allowFrom=${allowFrom}: ${(e as Error).message}`);
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
  const admins = context.adminPrincipals === undefined ? [] : String(context.adminPrincipals).split(',').map((a) => a.trim()).filter((a) => a !== '');
  return {
    mode,
    bastion: bastionValue === 'true',
    ...(admins.length > 0 ? { adminPrincipals: admins } : {}),
    ...(guardValue === 'true' ? { guard: true } : {}),
  };
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
    });
  } catch (e) {
    // a value from -c that EndpointCluster refuses (such as an assumed-role ARN): one line, like the other context errors
    if (options.adminPrincipals && /adminPrincipals/.test((e as Error).message)) {
      throw new LabContextError(`Invalid -c adminPrincipals=${options.adminPrincipals.join(',')}: ${(e as Error).message}`);
    }
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
  if (lab.bastion) {
    new CfnOutput(stack, 'BastionSessionCommand', { value: lab.bastion.sessionCommand });
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
