import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import {
  AUTO_MODE_ENDPOINTS, knownServiceOf, NODE_ENDPOINTS, SESSION_ENCRYPTION_ENDPOINT, SESSION_LOGS_ENDPOINT, SESSION_MANAGER_ENDPOINTS,
} from '../shared/endpoint-services';
import { interfacePolicy, s3GatewayPolicy, takesPolicy } from './endpoint-policies';
import { literalVpcCidr } from './networks';

/** Who in an isolated VPC needs AWS services, and so which VPC endpoints. */
export interface EndpointNeeds {
  /** Managed node group nodes: join, pull images. */
  readonly nodes: boolean;
  /** Auto Mode nodes: as nodes, and EKS Pod Identity (eks-auth), which Auto Mode builds in. */
  readonly autoMode: boolean;
  /** A bastion reached through Session Manager, which downloads kubectl from S3. */
  readonly bastion: boolean;
  /** The bastion streams session logs to CloudWatch Logs itself (its SSM agent does). */
  readonly bastionLogs: boolean;
  /** The bastion's sessions are encrypted with a KMS key (its SSM agent calls KMS). */
  readonly bastionKms: boolean;
  /**
   * The bucket the bastion's sessions are logged to (its SSM agent writes there through the S3
   * gateway endpoint, whose policy must let it through when the bucket is another account's).
   */
  readonly bastionLogBucket?: s3.IBucket;
}

/** An interface endpoint's service: its name after `com.amazonaws.<region>.`, and why it is needed. */
interface Need {
  readonly service: string;
  readonly id: string;
  readonly why: string;
}

/** The gateway endpoint nodes and bastion get for S3; every other service is an interface endpoint. */
const S3 = 's3';

/** The construct ID of each interface endpoint, by service: IDs are API, so they are written out. */
const ENDPOINT_IDS: Record<string, string> = {
  'ec2': 'Ec2',
  'ecr.api': 'EcrApi',
  'ecr.dkr': 'EcrDkr',
  'sts': 'Sts',
  'eks-auth': 'EksAuth',
  'ssm': 'Ssm',
  'ssmmessages': 'SsmMessages',
  'ec2messages': 'Ec2Messages',
  'logs': 'Logs',
  'kms': 'Kms',
};

/**
 * The interface endpoints that `needs` call for, in a fixed order, from the service lists in
 * shared/endpoint-services.ts (with their sources). The bastion writes its kubeconfig itself and
 * `aws eks get-token` signs locally, so it calls no EKS API and needs no `eks` endpoint. Flow logs
 * and control-plane logs are delivered by AWS services, not from the VPC, so they need no `logs`
 * endpoint.
 */
export function interfaceNeeds(needs: EndpointNeeds): Need[] {
  const all: Need[] = [];
  const add = (services: string[], why: string) => {
    for (const service of services) {
      if (service !== S3 && !all.some((n) => n.service === service)) all.push({ service, id: ENDPOINT_IDS[service], why });
    }
  };
  if (needs.nodes || needs.autoMode) add(NODE_ENDPOINTS, 'nodes');
  if (needs.autoMode) add(AUTO_MODE_ENDPOINTS, 'Auto Mode (EKS Pod Identity)');
  if (needs.bastion) {
    add(SESSION_MANAGER_ENDPOINTS, 'the bastion (Session Manager)');
    if (needs.bastionLogs) add([SESSION_LOGS_ENDPOINT], 'the bastion\'s session logs');
    if (needs.bastionKms) add([SESSION_ENCRYPTION_ENDPOINT], 'the bastion\'s session encryption');
  }
  return all;
}

/** The VPC endpoints of a VPC that are defined in this app, by service name suffix. */
interface SeenEndpoints {
  /** Interface endpoints with private DNS on. */
  readonly interfaces: Map<string, ec2.CfnVPCEndpoint>;
  /** Route table IDs (as rendered strings) that an S3 gateway endpoint serves. */
  readonly s3RouteTables: Set<string>;
}

/**
 * The VPC endpoints this app defines for `vpc`, or undefined when the VPC itself is not
 * defined in this app (imported by ID or looked up), so its endpoints cannot be seen.
 * Endpoints under `exclude` (the kit's own) are left out.
 */
export function seenEndpoints(vpc: ec2.IVpc, exclude?: IConstruct): SeenEndpoints | undefined {
  if (!(vpc.node.defaultChild instanceof ec2.CfnVPC)) return undefined;
  const interfaces = new Map<string, ec2.CfnVPCEndpoint>();
  const s3RouteTables = new Set<string>();
  for (const c of vpc.node.root.node.findAll()) {
    if (!(c instanceof ec2.CfnVPCEndpoint) || c.vpcId !== vpc.vpcId) continue;
    if (exclude && c.node.path.startsWith(`${exclude.node.path}/`)) continue;
    const service = serviceOf(Stack.of(c).resolve(c.serviceName));
    if (service === undefined) continue;
    const type = c.vpcEndpointType ?? 'Gateway';
    if (type === 'Interface' && c.privateDnsEnabled === true) {
      interfaces.set(service, c);
    } else if (type === 'Gateway' && service === S3) {
      for (const id of Array.isArray(c.routeTableIds) ? c.routeTableIds : []) s3RouteTables.add(id);
    }
  }
  return { interfaces, s3RouteTables };
}

/**
 * The known service (shared/endpoint-services.ts) an endpoint's resolved service name ends with:
 * `ecr.api` from `com.amazonaws.us-east-1.ecr.api` (or another partition's form of it), or from
 * the same name joined around the region (how aws-ec2 renders it in an environment-agnostic
 * stack), read from its last literal part; undefined when it cannot be read.
 */
export function serviceOf(name: unknown): string | undefined {
  const tail = serviceNameTail(name);
  return tail === undefined ? undefined : knownServiceOf(tail);
}

/** The literal end of a resolved service name: the name itself, or the last part of an `Fn::Join` on ''. */
function serviceNameTail(name: unknown): string | undefined {
  if (typeof name === 'string') return name;
  const join = (name as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) return undefined;
  const parts = join[1].filter((p) => p !== '');
  const last = parts[parts.length - 1];
  return typeof last === 'string' ? last : undefined;
}

/**
 * The VPC endpoints an isolated cluster's nodes and bastion need, created where the VPC lacks
 * them: one security group that admits TCP 443 from the VPC, an interface endpoint with
 * private DNS per service in `subnets`, and an S3 gateway endpoint on their route tables.
 *
 * With a VPC defined in this app, endpoints it already has (with private DNS on) are not
 * created again: a second one with private DNS fails the deploy. With a VPC this app cannot
 * see, nothing is created and a warning lists what the VPC must have.
 *
 * The endpoints created here carry endpoint policies (endpoint-policies.ts) that let through
 * this account's principals and, on the S3 gateway, this account's buckets, so that other
 * accounts' credentials and buckets cannot be used from the isolated subnets. Endpoints the VPC
 * already has are reused as they are: their policies are the user's.
 */
export class IsolatedEndpointKit extends Construct {
  /** The services of the interface endpoints created here. */
  public readonly created: string[] = [];

  /** Whether the VPC is defined in this app, so that its endpoints were seen (and the missing ones created). */
  public readonly sawVpc: boolean;

  constructor(scope: Construct, id: string, vpc: ec2.IVpc, subnets: ec2.ISubnet[], needs: EndpointNeeds) {
    super(scope, id);
    const wanted = interfaceNeeds(needs);
    const seen = seenEndpoints(vpc, this);
    this.sawVpc = seen !== undefined;
    if (!seen) {
      Annotations.of(scope).addWarningV2('cdk-eks-endpoint:vpcEndpointsNotVerifiable',
        `egress is ISOLATED, but the VPC ${Token.isUnresolved(vpc.vpcId) ? '' : `${vpc.vpcId} `}is not defined in this app, so its VPC endpoints cannot be seen, ` +
        'and none is created (a second interface endpoint with private DNS for one service fails the deploy). Confirm it has, with private DNS on and a ' +
        `security group admitting TCP 443 from the isolated subnets: ${wanted.map((n) => `${n.service} (${n.why})`).join(', ')}; ` +
        'and an S3 gateway endpoint on their route tables. Without them nodes never join.');
      return;
    }

    const missing = wanted.filter((n) => !seen.interfaces.has(n.service));
    if (missing.length > 0) {
      const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc,
        description: 'VPC endpoints of the isolated cluster: HTTPS from the VPC',
        allowAllOutbound: false,
      });
      // the literal block where the app defines the VPC: what a reviewer (and cdk-nag) can read.
      // Endpoints are made only in a VPC the app defines as an ec2.Vpc, whose subnets all lie in
      // that one block (ec2.Vpc has no secondary blocks).
      securityGroup.addIngressRule(ec2.Peer.ipv4(literalVpcCidr(vpc) ?? vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS to AWS services from the VPC');
      for (const need of missing) {
        const endpoint = new ec2.InterfaceVpcEndpoint(this, need.id, {
          vpc,
          service: new ec2.InterfaceVpcEndpointAwsService(need.service),
          privateDnsEnabled: true,
          securityGroups: [securityGroup],
          open: false,
          subnets: { subnets },
        });
        if (takesPolicy(need.service)) interfacePolicy(this, need.service).forEach((s) => endpoint.addToPolicy(s));
        this.created.push(need.service);
      }
    }

    const uncovered = subnets.filter((s) => !seen.s3RouteTables.has(s.routeTable.routeTableId));
    const routeTables = uncovered.map((s) => s.routeTable.routeTableId).filter((t, i, all) => all.indexOf(t) === i);
    if (routeTables.length > 0) {
      const gateway = new ec2.GatewayVpcEndpoint(this, 'S3', {
        vpc,
        service: ec2.GatewayVpcEndpointAwsService.S3,
        subnets: [{ subnets: uncovered }],
      });
      const logBucket = needs.bastion ? needs.bastionLogBucket : undefined;
      s3GatewayPolicy(this, { sessionLogBucketArn: logBucket?.bucketArn }).forEach((s) => gateway.addToPolicy(s));
      this.created.push(S3);
    }

    // Endpoints added to the VPC after this construct would collide with the ones made here.
    this.node.addValidation({
      validate: () => {
        const now = seenEndpoints(vpc, this);
        if (!now) return [];
        const clashes = this.created.filter((service) => service !== S3 && now.interfaces.has(service));
        return clashes.map((service) =>
          `${this.node.path} created the ${service} endpoint because the VPC had none when it was constructed, but ${now.interfaces.get(service)!.node.path} ` +
          'was added later with private DNS on for the same service; the deploy would fail on the second. Define your endpoint before the EndpointCluster, ' +
          'so that it is reused, or remove it.');
      },
    });
  }
}

