import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ClusterEgress } from '../../cluster-egress';
import { flowLogDestination } from '../flow-logs';
import { acknowledgeNagFindings } from '../nag';

/**
 * The primary CIDR block of the VPC `EndpointCluster` creates (aws-ec2's default): a fact the props
 * checks need before the VPC exists (does a connected or remote network overlap it?).
 */
export const OWNED_VPC_CIDR = ec2.Vpc.DEFAULT_CIDR_RANGE;

/**
 * The NAT gateways of the VPC `EndpointCluster` creates with NAT egress, each with one Elastic IP:
 * how many addresses a restricted public-only endpoint's allow-list gets, known before it exists.
 */
export const OWNED_VPC_NAT_GATEWAYS = 1;

/**
 * The VPC `EndpointCluster` creates when given none: 2 AZs, DNS support and hostnames on, flow logs
 * to CloudWatch Logs; public subnets (the NAT gateway, and EKS-owned ENIs when given to the cluster) and private ones with egress, or
 * isolated subnets alone with `ClusterEgress.ISOLATED`. Its constructs are `scope`'s children
 * (`Vpc`, `FlowLogs*`), as they always were.
 */
export function createClusterVpc(scope: Construct, egress: ClusterEgress, removalPolicy: RemovalPolicy): ec2.Vpc {
  const isolated = egress === ClusterEgress.ISOLATED;
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(OWNED_VPC_CIDR),
    maxAzs: 2,
    natGateways: isolated ? 0 : OWNED_VPC_NAT_GATEWAYS,
    enableDnsSupport: true,
    enableDnsHostnames: true,
    // restricting the default security group takes a custom-resource Lambda; nothing here uses that group
    restrictDefaultSecurityGroup: false,
    subnetConfiguration: isolated
      // no public subnet, so no internet gateway: AWS services through VPC endpoints only
      ? [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 19 }]
      : [
        // the NAT gateway has its Elastic IP and the EKS-owned ENIs need none: no address is handed out
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
      ],
    flowLogs: {
      All: { destination: flowLogDestination(scope, removalPolicy), trafficType: ec2.FlowLogTrafficType.ALL },
    },
  });
  acknowledgeNagFindings(vpc, [
    ['NIST.800.53.R5-VPCDefaultSecurityGroupClosed', 'No resource here uses the default security group, so its rules reach nothing the library creates: a resource would have to be put in it on purpose. Closing it takes a custom-resource Lambda (restrictDefaultSecurityGroup), code with its own role in every account, which this library does not add.'],
    ['HIPAA.Security-VPCDefaultSecurityGroupClosed', 'No resource here uses the default security group, so its rules reach nothing the library creates: a resource would have to be put in it on purpose. Closing it takes a custom-resource Lambda (restrictDefaultSecurityGroup), code with its own role in every account, which this library does not add.'],
  ]);
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute');
    if (route) {
      acknowledgeNagFindings(route, [
        ['NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'The public subnets hold the NAT gateway, whose route to the internet gateway is the nodes\' and the bastion\'s egress (pulling images, Session Manager, a public-only endpoint), and may hold EKS-owned network interfaces of the control plane, which get no public address (the subnets hand out none) and accept only what the cluster security groups allow.'],
        ['HIPAA.Security-VPCNoUnrestrictedRouteToIGW', 'The public subnets hold the NAT gateway, whose route to the internet gateway is the nodes\' and the bastion\'s egress (pulling images, Session Manager, a public-only endpoint), and may hold EKS-owned network interfaces of the control plane, which get no public address (the subnets hand out none) and accept only what the cluster security groups allow.'],
      ]);
    }
  }
  return vpc;
}

/**
 * The subnets for nodes and bastion: isolated with ISOLATED egress, else private with egress (or
 * isolated, when the VPC has only those). A VPC with no isolated subnets for ISOLATED egress is
 * refused before this is asked.
 */
export function workloadSubnets(vpc: ec2.IVpc, egress: ClusterEgress): ec2.SubnetSelection {
  if (egress === ClusterEgress.ISOLATED) {
    return { subnets: vpc.isolatedSubnets };
  }
  return { subnets: vpc.privateSubnets.length > 0 ? vpc.privateSubnets : vpc.isolatedSubnets };
}

/**
 * The control plane's subnets: those of the nodes, and the public ones with a NAT gateway and a
 * node group, which keeps what aws-eks-v2 renders by default. Auto Mode's built-in node class
 * launches nodes in the cluster's subnets, so there they are the private (or isolated) ones only.
 */
export function controlPlaneSubnets(vpc: ec2.IVpc, workload: ec2.SubnetSelection, nodesOnly: boolean): ec2.SubnetSelection[] {
  if (nodesOnly) {
    return [workload];
  }
  // aws-eks-v2's default selection names public and private-with-egress subnets and throws when a
  // VPC lacks either; select what the VPC has, in the same order, so a VPC with both renders
  // exactly what aws-eks-v2 would.
  const selections: ec2.SubnetSelection[] = [];
  if (vpc.publicSubnets.length > 0) selections.push({ subnetType: ec2.SubnetType.PUBLIC });
  if (vpc.privateSubnets.length > 0) {
    selections.push({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  } else if (vpc.isolatedSubnets.length > 0) {
    selections.push({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
  }
  return selections;
}
