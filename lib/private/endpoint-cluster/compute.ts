import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from '../nag';

/**
 * The managed node group, with `options` laid over lab-sized defaults: 2 x t3.medium (1 to 3),
 * Amazon Linux 2023, in `subnets`, with a launch template (`NodeLaunchTemplate`, a child of
 * `scope`) that encrypts the gp3 root volume and requires IMDSv2 with a hop limit of 1, unless the
 * options bring their own. Options EKS or this library refuse (diskSize with a launch template,
 * remoteAccess) are refused before anything is built.
 */
export function addNodegroup(scope: Construct, cluster: eks.Cluster, options: eks.NodegroupOptions, subnets: ec2.SubnetSelection): eks.Nodegroup {
  const { diskSize, ...rest } = options;
  let launchTemplateSpec = options.launchTemplateSpec;
  if (!launchTemplateSpec) {
    const template = new ec2.LaunchTemplate(scope, 'NodeLaunchTemplate', {
      requireImdsv2: true,
      detailedMonitoring: true,
      httpPutResponseHopLimit: 1,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(diskSize ?? 20, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
      }],
    });
    launchTemplateSpec = { id: template.launchTemplateId!, version: template.latestVersionNumber };
  }
  const nodegroup = cluster.addNodegroupCapacity('Nodes', {
    instanceTypes: [ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM)],
    amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
    minSize: 1,
    desiredSize: 2,
    maxSize: 3,
    subnets,
    ...rest,
    launchTemplateSpec,
  });
  acknowledgeNagFindings(nodegroup.role, [
    ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodePolicy]',
      'EKS requires this AWS managed policy on the node role of a managed node group. Its rights stay with the node: the default launch template requires IMDSv2 with a hop limit of 1, so a container cannot take the node\'s credentials.'],
    ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly]',
      'Nodes pull the EKS add-on images (VPC CNI, kube-proxy, CoreDNS) from ECR; this is the managed policy EKS documents for it. It reads the repositories the account can reach and writes nothing.'],
    ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKS_CNI_Policy]',
      'The VPC CNI assigns pod addresses with it, which takes creating and changing network interfaces. A container cannot take it from the node (IMDSv2, hop limit 1, in the default launch template); move it to an IRSA or Pod Identity role for the aws-node service account to take it off the nodes.'],
  ]);
  return nodegroup;
}

/**
 * The role of Auto Mode's built-in node pools (`AutoModeNodeRole`, a child of `scope`), with the
 * two managed policies AWS documents for it (narrower than a node group's AmazonEKSWorkerNodePolicy
 * and ECR read-only, which aws-eks-v2 would give). EKS makes its access entry.
 * https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html
 */
export function createAutoModeNodeRole(scope: Construct): iam.Role {
  const role = new iam.Role(scope, 'AutoModeNodeRole', {
    description: 'EKS Auto Mode nodes of the built-in node pools',
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    managedPolicies: [
      iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodeMinimalPolicy'),
      iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryPullOnly'),
    ],
  });
  acknowledgeNagFindings(role, [
    ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy]',
      'The managed policy AWS documents for Auto Mode nodes: the least a node needs to join.'],
    ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly]',
      'The managed policy AWS documents for Auto Mode nodes: pulling images from ECR, nothing more.'],
  ]);
  return role;
}
