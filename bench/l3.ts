/**
 * EndpointCluster against the same shape written by hand on aws-eks-v2 (what a user would write
 * without this library: VPC with flow logs, cluster with logging and secrets encryption, node group
 * with a launch template, a bastion instance with its role, group, 443 rule, access entry and
 * kubectl asset), constructed and synthesized in this process, alternating.
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { EndpointCluster, EndpointMode } from '../lib';
import { pairs, Section } from './timing';

function newApp(): App {
  return new App({ builtinCloudFormationValidation: false, treeMetadata: false, context: { 'aws:cdk:disable-asset-staging': true } });
}

function withLibrary(): void {
  const app = newApp();
  new EndpointCluster(new Stack(app, 'Lab'), 'Lab', { mode: EndpointMode.PRIVATE });
  app.synth();
}

function byHand(kubectlZip: string): void {
  const app = newApp();
  const stack = new Stack(app, 'Lab');
  const logGroup = new logs.LogGroup(stack, 'FlowLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: new kms.Key(stack, 'FlowLogsKey', { enableKeyRotation: true }),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
    ],
    flowLogs: { All: { destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup) } },
  });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    vpc, version: eks.KubernetesVersion.V1_35, endpointAccess: eks.EndpointAccess.PRIVATE,
    defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, bootstrapClusterCreatorAdminPermissions: false,
    secretsEncryptionKey: new kms.Key(stack, 'SecretsKey', { enableKeyRotation: true, pendingWindow: Duration.days(7) }),
    clusterLogging: Object.values(eks.ClusterLoggingTypes),
  });
  const template = new ec2.LaunchTemplate(stack, 'NodeLaunchTemplate', {
    requireImdsv2: true, httpPutResponseHopLimit: 1, detailedMonitoring: true,
    blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(20, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
  });
  cluster.addNodegroupCapacity('Nodes', {
    instanceTypes: [new ec2.InstanceType('t3.medium')], amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
    minSize: 1, desiredSize: 2, maxSize: 3, launchTemplateSpec: { id: template.launchTemplateId!, version: template.latestVersionNumber },
  });
  const sg = new ec2.SecurityGroup(stack, 'BastionSg', { vpc, allowAllOutbound: false });
  sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
  const role = new iam.Role(stack, 'BastionRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  const asset = new s3assets.Asset(stack, 'Kubectl', { path: kubectlZip });
  new iam.ManagedPolicy(stack, 'BastionPolicy', {
    roles: [role],
    statements: [
      new iam.PolicyStatement({ actions: ['ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel'], resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)] }),
    ],
  });
  const userData = ec2.UserData.forLinux();
  userData.addS3DownloadCommand({ bucket: asset.bucket, bucketKey: asset.s3ObjectKey });
  new ec2.Instance(stack, 'Bastion', {
    vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    securityGroup: sg, role, userData, requireImdsv2: true, associatePublicIpAddress: false, detailedMonitoring: true,
  });
  new ec2.CfnSecurityGroupIngress(stack, 'ApiIngress', {
    groupId: cluster.clusterSecurityGroupId, sourceSecurityGroupId: sg.securityGroupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443,
  });
  cluster.grantAccess('Bastion', role.roleArn, [eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER })]);
  app.synth();
}

export function benchL3(runs: number, kubectlZip: string): Section {
  for (let i = 0; i < 3; i++) {
    withLibrary();
    byHand(kubectlZip);
  }
  const r = pairs(runs, withLibrary, () => byHand(kubectlZip));
  return {
    title: 'EndpointCluster against the same shape by hand on aws-eks-v2',
    how: `One Private-mode cluster with VPC, flow logs, node group, launch template and bastion, constructed and synthesized in this process (built-in validation and asset staging off in both), ${runs} alternating pairs after 3 warm-up rounds. The library does more (the bastion's boot script, its kubectl zip made and hashed, the CIDR and principal checks): the ratio is what that costs.`,
    header: ['', 'median', 'ratio'],
    rows: [
      ['by hand on aws-eks-v2', `${r.b.toFixed(3)} s`, 'x1.00'],
      ['`EndpointCluster`', `${r.a.toFixed(3)} s`, `x${r.ratio.toFixed(2)} (quartiles x${r.quartiles[0].toFixed(2)} to x${r.quartiles[1].toFixed(2)})`],
    ],
    goal: { text: 'within x1.5 of the hand-written shape', met: r.ratio <= 1.5 },
  };
}
