import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';

/** What `ResolverForwarding` needs. */
export interface ResolverForwardingProps {
  readonly vpc: ec2.IVpc;
  /** Two subnets in two AZs, with literal CIDR blocks: the endpoints' addresses are fixed in them. */
  readonly subnets: ec2.ISubnet[];
  readonly cluster: eks.ICluster;
  /** VPCs whose queries for the endpoint's name go to the cluster VPC: the rule is associated with each. */
  readonly connectedVpcs: ec2.IVpc[];
  /** Every connected network (the VPCs' CIDR blocks included): they may ask the inbound endpoint directly. */
  readonly connectedCidrs: string[];
}

/**
 * Route 53 Resolver forwarding of the cluster endpoint's name into the cluster VPC, where the
 * EKS private hosted zone answers with the private addresses. In Public & Private mode, the
 * zone is associated with the cluster VPC only, so connected networks otherwise get the
 * public addresses.
 *
 * - an inbound endpoint in the cluster VPC, at fixed addresses (CloudFormation returns no
 *   addresses for an endpoint, and the rule and on-premises forwarders need them);
 * - an outbound endpoint in the cluster VPC, through which the rule forwards;
 * - a FORWARD rule for the endpoint's own host name only (not all of eks.amazonaws.com, which
 *   would also send other clusters' names to this VPC), to the inbound addresses;
 * - an association of the rule with each connected VPC.
 *
 * The layout of the AWS Containers blog post "Enabling DNS resolution for Amazon EKS cluster
 * endpoints"; https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-inbound-queries.html
 */
export class ResolverForwarding extends Construct {
  /** The inbound endpoint's addresses, for on-premises DNS forwarders. */
  public readonly inboundAddresses: string[];

  /** The FORWARD rule's ID, to share with other accounts through AWS RAM. */
  public readonly ruleId: string;

  constructor(scope: Construct, id: string, props: ResolverForwardingProps) {
    super(scope, id);
    this.inboundAddresses = props.subnets.map((s) => lastUsableAddress(s.ipv4CidrBlock));

    // An inbound endpoint needs inbound rules only, an outbound endpoint outbound rules only; the
    // answers go back on the same (tracked) connections.
    // https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_CreateResolverEndpoint.html
    const inboundGroup = new ec2.SecurityGroup(this, 'InboundSecurityGroup', {
      vpc: props.vpc,
      description: 'Route 53 Resolver inbound endpoint: DNS from the connected networks and the outbound endpoint',
      allowAllOutbound: false,
    });
    const outboundGroup = new ec2.SecurityGroup(this, 'OutboundSecurityGroup', {
      vpc: props.vpc,
      description: 'Route 53 Resolver outbound endpoint: DNS to the inbound endpoint only',
      allowAllOutbound: false,
    });
    const dns = [ec2.Port.tcp(53), ec2.Port.udp(53)];
    for (const port of dns) {
      inboundGroup.addIngressRule(outboundGroup, port, 'DNS forwarded by the outbound endpoint');
      for (const cidr of props.connectedCidrs) {
        inboundGroup.addIngressRule(ec2.Peer.ipv4(cidr), port, 'DNS from a connected network');
      }
      for (const address of this.inboundAddresses) {
        outboundGroup.addEgressRule(ec2.Peer.ipv4(`${address}/32`), port, 'DNS to the inbound endpoint');
      }
    }

    const inbound = new route53resolver.CfnResolverEndpoint(this, 'Inbound', {
      direction: 'INBOUND',
      ipAddresses: props.subnets.map((s, i) => ({ subnetId: s.subnetId, ip: this.inboundAddresses[i] })),
      securityGroupIds: [inboundGroup.securityGroupId],
    });
    const outbound = new route53resolver.CfnResolverEndpoint(this, 'Outbound', {
      direction: 'OUTBOUND',
      ipAddresses: props.subnets.map((s) => ({ subnetId: s.subnetId })),
      securityGroupIds: [outboundGroup.securityGroupId],
    });
    const rule = new route53resolver.CfnResolverRule(this, 'EndpointRule', {
      ruleType: 'FORWARD',
      domainName: Fn.select(2, Fn.split('/', props.cluster.clusterEndpoint)),
      resolverEndpointId: outbound.attrResolverEndpointId,
      targetIps: this.inboundAddresses.map((ip) => ({ ip, port: '53' })),
    });
    // the rule forwards to the inbound endpoint, which must answer by then
    rule.node.addDependency(inbound);
    this.ruleId = rule.attrResolverRuleId;
    props.connectedVpcs.forEach((vpc, i) => new route53resolver.CfnResolverRuleAssociation(this, `Association${i}`, {
      resolverRuleId: rule.attrResolverRuleId,
      vpcId: vpc.vpcId,
    }));
  }
}

/**
 * The subnet's last usable address (AWS reserves the first four and the last). EC2 may have
 * given it to another network interface already; the endpoint's creation then fails with the
 * address named, and a smaller subnet for the endpoints is the way out.
 * https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html
 */
export function lastUsableAddress(cidr: string): string {
  const [address, prefix] = cidr.split('/');
  const first = address.split('.').map(Number).reduce((acc, o) => acc * 256 + o, 0);
  const last = first + 2 ** (32 - Number(prefix)) - 2;
  return [24, 16, 8, 0].map((shift) => Math.floor(last / 2 ** shift) % 256).join('.');
}
