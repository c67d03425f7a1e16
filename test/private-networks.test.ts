import { Aws, CfnParameter, Fn, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ClusterCompute, ClusterEgress, EndpointCluster, EndpointClusterProps, EndpointMode } from '../lib';
import { POLICY_SOURCES } from '../lib/private/endpoint-policies';
import { testApp } from './support/util';

/**
 * The helpers of issue 7 in lib/private, through the EndpointCluster that uses them: the CIDR
 * lists (endpoint-cluster/validation.ts), the Route 53 Resolver forwarding (resolver-forwarding.ts) and the VPC
 * endpoints of an isolated cluster (vpc-endpoints.ts). Cases the option tests leave open, found
 * by mutation testing.
 */

const ADMIN = ['arn:aws:iam::123456789012:role/Admin'];

/** A VPC of isolated subnets only (two AZs), as a user defines it. */
function isolatedVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
}

/** An ISOLATED cluster in `vpc`, without a bastion (the node endpoints only: ec2, ecr.api, ecr.dkr, sts; and S3). */
function isolatedCluster(stack: Stack, vpc: ec2.IVpc, props: EndpointClusterProps = {}): EndpointCluster {
  return new EndpointCluster(stack, 'Lab', { vpc, egress: ClusterEgress.ISOLATED, bastion: false, adminPrincipals: ADMIN, ...props });
}

/** The one resource of a type whose properties match, by its properties. */
function only(template: Template, type: string, props: Record<string, unknown>): Record<string, any> {
  const found = Object.values(template.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return found[0].Properties;
}

/** The service-name suffixes of the interface endpoints a template has, sorted. */
function interfaceServices(template: Template): string[] {
  return Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))
    .map((r) => {
      const name = r.Properties.ServiceName;
      return typeof name === 'string' ? name.split('.').slice(3).join('.') : String(name['Fn::Join'][1].at(-1)).replace(/^\./, '');
    }).sort();
}

describe('endpoint-cluster/validation.ts: the CIDR lists EndpointCluster takes', () => {
  test('takes a service range in 192.168.0.0/16, one of the three blocks EKS picks it from', () => {
    const stack = new Stack(testApp(), 'Service192');
    new EndpointCluster(stack, 'Lab', { serviceIpv4Cidr: '192.168.200.0/24' });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Cluster', { KubernetesNetworkConfig: { ServiceIpv4Cidr: '192.168.200.0/24' } });
  });

  test('keeps a remote network given twice once, trimmed: it is no overlap with itself', () => {
    // GIVEN the same node network twice, once with spaces
    const stack = new Stack(testApp(), 'Twice');
    new EndpointCluster(stack, 'Lab', { remoteNodeNetworks: ['192.168.0.0/16', ' 192.168.0.0/16 '] });
    // THEN one block in the cluster's config, and one 443 rule from it
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::Cluster', { RemoteNetworkConfig: { RemoteNodeNetworks: [{ Cidrs: ['192.168.0.0/16'] }] } });
    const group = only(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('EKS Control Plane') });
    expect(group.SecurityGroupIngress.map((r: any) => `${r.CidrIp}:${r.FromPort}`)).toEqual(['192.168.0.0/16:443']);
  });

  test('takes a connected VPC whose block IPAM allocates: its 443 rule reads the VPC\'s CidrBlock, and a warning says overlaps cannot be checked', () => {
    // GIVEN a connected VPC with no literal CIDR block in the app
    const stack = new Stack(testApp(), 'Ipam');
    const tools = new ec2.Vpc(stack, 'Tools', {
      ipAddresses: ec2.IpAddresses.awsIpamAllocation({ ipv4IpamPoolId: 'ipam-pool-0123456789abcdef0', ipv4NetmaskLength: 20, defaultSubnetIpv4NetmaskLength: 24 }),
      maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false,
    });
    new EndpointCluster(stack, 'Lab', { connectedVpcs: [tools] });
    // THEN the 443 rule is rendered from the attribute, and the overlap is left to confirm
    const template = Template.fromStack(stack);
    const group = only(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('EKS Control Plane') });
    expect(group.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: { 'Fn::GetAtt': [expect.stringMatching(/^Tools[0-9A-F]{8}$/), 'CidrBlock'] }, FromPort: 443 })]);
    Annotations.fromStack(stack).hasWarning('/Ipam/Lab', Match.stringLikeRegexp('deploy-time values, so whether they overlap cannot be checked at synth'));
  });
});

describe('resolver-forwarding.ts: the Resolver endpoints in Public & Private mode', () => {
  const stack = new Stack(testApp(), 'Forwarding');
  new EndpointCluster(stack, 'Lab', { mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), connectedCidrs: ['192.168.0.0/16'] });
  const template = Template.fromStack(stack);
  const groupId = (description: string) => ({ 'Fn::GetAtt': [Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp(description) } }))[0], 'GroupId'] });

  test('each endpoint is in its own security group', () => {
    template.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', { Direction: 'INBOUND', SecurityGroupIds: [groupId('^Route 53 Resolver inbound')] });
    template.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', { Direction: 'OUTBOUND', SecurityGroupIds: [groupId('^Route 53 Resolver outbound')] });
  });

  test('the inbound endpoint\'s group sends nothing out (its answers go back on the tracked connections), and each rule says what it is for', () => {
    const inbound = only(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^Route 53 Resolver inbound') });
    // aws-ec2's placeholder for a group with allowAllOutbound false and no egress rule
    expect(inbound.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    expect(inbound.SecurityGroupIngress.map((r: any) => r.Description)).toEqual(['DNS from a connected network', 'DNS from a connected network']);
    const fromOutbound = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 53 } }));
    expect(fromOutbound.map((r) => r.Properties.Description)).toEqual(['DNS forwarded by the outbound endpoint', 'DNS forwarded by the outbound endpoint']);
    const outbound = only(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^Route 53 Resolver outbound') });
    expect(new Set(outbound.SecurityGroupEgress.map((r: any) => r.Description))).toEqual(new Set(['DNS to the inbound endpoint']));
  });
});

describe('vpc-endpoints.ts: the VPC endpoints of an isolated cluster', () => {
  test('with a VPC it cannot see, lists every endpoint the features in use need, with why, under an ID to acknowledge', () => {
    // GIVEN Auto Mode, a bastion with session logs and encryption, and a VPC imported by a deploy-time ID
    const stack = new Stack(testApp(), 'Unseen');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: Token.asString({ 'Fn::ImportValue': 'NetworkVpcId' }), vpcCidrBlock: '10.0.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'], isolatedSubnetIds: ['subnet-iso1', 'subnet-iso2'],
    });
    new EndpointCluster(stack, 'Lab', {
      vpc, egress: ClusterEgress.ISOLATED, compute: ClusterCompute.AUTO_MODE,
      bastionOptions: { sessionEncryptionKey: new kms.Key(stack, 'SessionKey', { enableKeyRotation: true }), sessionLogGroup: new logs.LogGroup(stack, 'Sessions') },
    });
    // THEN one warning says what to confirm, in full
    const [warning] = Annotations.fromStack(stack).findWarning('/Unseen/Lab', Match.stringLikeRegexp('vpcEndpointsNotVerifiable')).map((m) => String(m.entry.data));
    expect(warning).toMatch(/^egress is ISOLATED, but the VPC is not defined in this app, so its VPC endpoints cannot be seen, and none is created \(a second interface endpoint with private DNS for one service fails the deploy\)\. /);
    expect(warning).toContain('Confirm it has, with private DNS on and a security group admitting TCP 443 from the isolated subnets: ' +
      'ec2 (nodes), ecr.api (nodes), ecr.dkr (nodes), sts (nodes), eks-auth (Auto Mode (EKS Pod Identity)), ssm (the bastion (Session Manager)), ' +
      'ssmmessages (the bastion (Session Manager)), ec2messages (the bastion (Session Manager)), logs (the bastion\'s session logs), ' +
      'kms (the bastion\'s session encryption); and an S3 gateway endpoint on their route tables. Without them nodes never join.');
    expect(warning).toMatch(/\[ack: cdk-eks-endpoint:vpcEndpointsNotVerifiable\]$/);
  });

  test('creates an endpoint that only another VPC of the app has', () => {
    const stack = new Stack(testApp(), 'OtherVpc');
    const other = new ec2.Vpc(stack, 'Other', { ipAddresses: ec2.IpAddresses.cidr('10.9.0.0/16'), maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false });
    other.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS });
    const lab = isolatedCluster(stack, isolatedVpc(stack));
    expect(lab.vpcEndpointServices).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'sts', 's3']);
  });

  test.each(['eu-west-1', 'us-gov-west-1'])('reuses the endpoints of a VPC in a stack in %s, whose service names are literal', (region) => {
    const stack = new Stack(testApp(), 'Regional', { env: { account: '123456789012', region } });
    const vpc = isolatedVpc(stack);
    vpc.addInterfaceEndpoint('Ecr', { service: ec2.InterfaceVpcEndpointAwsService.ECR });
    vpc.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS });
    const lab = isolatedCluster(stack, vpc);
    expect(lab.vpcEndpointServices).toEqual(['ec2', 'ecr.dkr', 's3']);
    expect(interfaceServices(Template.fromStack(stack))).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'sts']);
  });

  test('reuses the kms and logs endpoints a VPC has for the bastion\'s encrypted, logged sessions', () => {
    // GIVEN a VPC with interface endpoints (private DNS on) for KMS and CloudWatch Logs
    const stack = new Stack(testApp(), 'SessionEndpoints');
    const vpc = isolatedVpc(stack);
    vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS });
    vpc.addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS });
    // WHEN the bastion encrypts and logs its sessions
    const lab = isolatedCluster(stack, vpc, {
      bastion: true,
      bastionOptions: { sessionEncryptionKey: new kms.Key(stack, 'SessionKey', { enableKeyRotation: true }), sessionLogGroup: new logs.LogGroup(stack, 'Sessions') },
    });
    // THEN neither is created again: one endpoint per service
    expect(lab.vpcEndpointServices).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'ssm', 'ssmmessages', 'ec2messages', 's3']);
    expect(interfaceServices(Template.fromStack(stack)).filter((s) => s === 'kms' || s === 'logs')).toEqual(['kms', 'logs']);
  });

  test('does not take an endpoint whose service name is a deploy-time value for one it needs', () => {
    // GIVEN interface endpoints with private DNS whose service is a parameter, whole or as the last part of the name
    const stack = new Stack(testApp(), 'ParamService');
    const vpc = isolatedVpc(stack);
    const service = new CfnParameter(stack, 'Service').valueAsString;
    for (const [id, serviceName] of [['Whole', service], ['Tail', Fn.join('', ['com.amazonaws.', Aws.REGION, '.', service])]]) {
      new ec2.CfnVPCEndpoint(stack, id, { vpcId: vpc.vpcId, serviceName, vpcEndpointType: 'Interface', privateDnsEnabled: true, subnetIds: vpc.isolatedSubnets.map((s) => s.subnetId) });
    }
    // THEN every endpoint is created
    expect(isolatedCluster(stack, vpc).vpcEndpointServices).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'sts', 's3']);
  });

  test('an S3 endpoint written without its type is a gateway (CloudFormation\'s default) and serves its route tables; a DynamoDB gateway endpoint does not', () => {
    const build = (service: string, type?: string): EndpointCluster => {
      const stack = new Stack(testApp(), `Gateway${service}${type ?? ''}`);
      const vpc = isolatedVpc(stack);
      new ec2.CfnVPCEndpoint(stack, 'Existing', {
        vpcId: vpc.vpcId, serviceName: `com.amazonaws.${Aws.REGION}.${service}`, vpcEndpointType: type,
        routeTableIds: vpc.isolatedSubnets.map((s) => s.routeTable.routeTableId),
      });
      return isolatedCluster(stack, vpc);
    };
    expect(build('s3').vpcEndpointServices).not.toContain('s3');
    expect(build('dynamodb', 'Gateway').vpcEndpointServices).toContain('s3');
  });

  test('creates no endpoint security group when the VPC has every interface endpoint', () => {
    const stack = new Stack(testApp(), 'Complete');
    const vpc = isolatedVpc(stack);
    const services = [
      ec2.InterfaceVpcEndpointAwsService.EC2, ec2.InterfaceVpcEndpointAwsService.ECR,
      ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER, ec2.InterfaceVpcEndpointAwsService.STS,
    ];
    services.forEach((service, i) => vpc.addInterfaceEndpoint(`Endpoint${i}`, { service }));
    expect(isolatedCluster(stack, vpc).vpcEndpointServices).toEqual(['s3']);
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('VPC endpoints of the isolated cluster') }, 0);
  });

  test('in a VPC with private subnets too, puts the endpoints and the S3 gateway in the isolated subnets the nodes use', () => {
    const stack = new Stack(testApp(), 'Mixed');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    isolatedCluster(stack, vpc);
    const template = Template.fromStack(stack);
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));
    expect(endpoints).toHaveLength(5);
    // HTTPS from the VPC's own block, which holds every subnet
    const group = only(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('VPC endpoints of the isolated cluster') });
    expect(group.SecurityGroupIngress.map((r: any) => `${r.CidrIp}:${r.FromPort} ${r.Description}`)).toEqual(['10.0.0.0/16:443 HTTPS to AWS services from the VPC']);
    for (const { Properties: p } of endpoints) {
      const refs = (p.SubnetIds ?? p.RouteTableIds).map((r: any) => r.Ref);
      expect(refs).toEqual([expect.stringMatching(/^VpcIsolatedSubnet1/), expect.stringMatching(/^VpcIsolatedSubnet2/)]);
    }
  });

  test('an S3 interface endpoint added after the cluster is no clash with its S3 gateway; an STS one is, and the error says the way out', () => {
    const late = (service: ec2.InterfaceVpcEndpointAwsService): Stack => {
      const stack = new Stack(testApp(), 'Late');
      const vpc = isolatedVpc(stack);
      isolatedCluster(stack, vpc);
      vpc.addInterfaceEndpoint('LateEndpoint', { service });
      return stack;
    };
    expect(() => Template.fromStack(late(ec2.InterfaceVpcEndpointAwsService.S3))).not.toThrow();
    expect(() => Template.fromStack(late(ec2.InterfaceVpcEndpointAwsService.STS))).toThrow(
      /Late\/Lab\/VpcEndpoints created the sts endpoint .*Define your endpoint before the EndpointCluster, so that it is reused, or remove it\./s);
  });
});

test.each(['eu-west-1', 'cn-north-1', 'us-iso-east-1'])('reuses, in %s, the ECR API endpoint the VPC already has, whatever the partition\'s service-name prefix', (region) => {
  const stack = new Stack(testApp(), 'Regional', { env: { account: '111111111111', region } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  vpc.addInterfaceEndpoint('Ecr', { service: ec2.InterfaceVpcEndpointAwsService.ECR });
  const lab = new EndpointCluster(stack, 'Lab', { vpc, egress: ClusterEgress.ISOLATED, bastion: false, adminPrincipals: ['arn:aws:iam::111111111111:role/Admin'] });
  expect(lab.vpcEndpointServices).not.toContain('ecr.api');
  const names = Object.values(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint')).map((r: any) => String(r.Properties.ServiceName));
  expect(names.filter((n) => n.endsWith('.ecr.api'))).toHaveLength(1);
});

/** The account of the stacks whose endpoint policies are read below. */
const ACCOUNT = '111111111111';

/** The service of a VPC endpoint resource, after `com.amazonaws.<region>.`. */
function serviceOfEndpoint(resource: any): string {
  const name = resource.Properties.ServiceName;
  return typeof name === 'string' ? name.split('.').slice(3).join('.') : String(name['Fn::Join'][1].at(-1)).replace(/^\./, '');
}

/**
 * The statements of an endpoint policy that let a request through without tying it to this
 * account's principals: an Allow whose principal is everyone and whose conditions do not require
 * `aws:PrincipalAccount` to be `account`. The two exceptions the library documents are left out
 * only in their exact form: ECR's layer bucket, read-only; and IRSA's web identity calls, to this
 * account's roles only.
 */
function openings(policy: any, account: unknown): any[] {
  const everyone = (p: any) => p === '*' || (p?.AWS !== undefined && [p.AWS].flat().includes('*'));
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const documented = (s: any) =>
    (s.Sid === 'EcrImageLayers' && same(s.Action, 's3:GetObject') && s.Condition === undefined &&
      /-starport-layer-bucket\/\*"/.test(JSON.stringify(s.Resource)) && !/"\*"/.test(JSON.stringify(s.Resource))) ||
    (s.Sid === 'WebIdentityToThisAccountsRoles' && same(s.Action, 'sts:AssumeRoleWithWebIdentity') &&
      same(s.Condition, { StringEquals: { 'aws:ResourceAccount': account } }));
  return [policy?.Statement ?? [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }]].flat()
    .filter((s: any) => s.Effect === 'Allow' && everyone(s.Principal))
    .filter((s: any) => !same(s.Condition?.StringEquals?.['aws:PrincipalAccount'], account))
    .filter((s: any) => !documented(s));
}

describe('endpoint-policies.ts: the policies of the endpoints an isolated cluster creates', () => {
  // GIVEN an isolated cluster with every endpoint the kit can create: Auto Mode (eks-auth), and a
  // bastion whose sessions are encrypted and logged to CloudWatch Logs and to another account's bucket
  const stack = new Stack(testApp(), 'Policies', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  isolatedCluster(stack, isolatedVpc(stack), {
    compute: ClusterCompute.AUTO_MODE, bastion: true,
    bastionOptions: {
      sessionEncryptionKey: new kms.Key(stack, 'SessionKey', { enableKeyRotation: true }),
      sessionLogGroup: new logs.LogGroup(stack, 'Sessions'),
      sessionLogBucket: s3.Bucket.fromBucketName(stack, 'LogArchive', 'log-archive-222222222222'),
    },
  });
  const template = Template.fromStack(stack);
  const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));
  const byService = new Map(endpoints.map((r) => [serviceOfEndpoint(r), r.Properties]));
  const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });
  const thisAccountsPrincipals = {
    Sid: 'ThisAccountsPrincipals', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*',
    Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
  };

  test('the S3 gateway lets this account\'s principals reach this account\'s buckets, anyone read ECR\'s layer bucket, and the bastion write its session log bucket', () => {
    // the CDK asset bucket the bastion downloads kubectl from is one of this account's buckets
    expect(byService.get('s3')!.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ThisAccountsPrincipalsToThisAccountsBuckets', Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT, 'aws:ResourceAccount': ACCOUNT } },
        },
        { Sid: 'EcrImageLayers', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: partitionArn(':s3:::prod-eu-west-1-starport-layer-bucket/*') },
        {
          Sid: 'SessionLogBucket', Effect: 'Allow', Principal: '*', Action: ['s3:PutObject', 's3:GetEncryptionConfiguration'],
          Resource: [partitionArn(':s3:::log-archive-222222222222'), partitionArn(':s3:::log-archive-222222222222/*')],
          Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
        },
      ],
    });
  });

  test.each(['ec2', 'ecr.api', 'ecr.dkr', 'ssm', 'logs', 'kms'])('the %s endpoint lets this account\'s principals through, whatever they act on', (service) => {
    expect(byService.get(service)!.PolicyDocument).toEqual({ Version: '2012-10-17', Statement: [thisAccountsPrincipals] });
  });

  test('the sts endpoint also lets through IRSA\'s unsigned web identity calls, to this account\'s roles only', () => {
    expect(byService.get('sts')!.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [thisAccountsPrincipals, {
        Sid: 'WebIdentityToThisAccountsRoles', Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity', Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceAccount': ACCOUNT } },
      }],
    });
  });

  test('the endpoints of services that document no endpoint policy keep AWS\'s default (a policy there is refused or ignored)', () => {
    for (const service of ['eks-auth', 'ssmmessages', 'ec2messages']) {
      expect(byService.get(service)!.PolicyDocument).toBeUndefined();
    }
    // and every other endpoint created has one, from the list with its sources
    expect([...byService.keys()].filter((s) => byService.get(s)!.PolicyDocument !== undefined).sort())
      .toEqual([...Object.keys(POLICY_SOURCES), 's3'].sort());
  });

  test('no statement lets another account\'s principals through, except the two documented ones and the three documented defaults', () => {
    expect(endpoints).toHaveLength(11);
    for (const [service, props] of byService) {
      // an endpoint without a policy has AWS's default, which the reading counts as an opening
      if (['eks-auth', 'ssmmessages', 'ec2messages'].includes(service)) continue;
      expect({ service, openings: openings(props.PolicyDocument, ACCOUNT) }).toEqual({ service, openings: [] });
    }
  });

  test('fails the same reading on AWS\'s default policy and on a look-alike of an exception: the reading can fire', () => {
    expect(openings(undefined, ACCOUNT)).toHaveLength(1);
    expect(openings({ Statement: [{ Sid: 'EcrImageLayers', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] }, ACCOUNT)).toHaveLength(1);
    expect(openings({ Statement: [{ Sid: 'WebIdentityToThisAccountsRoles', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:*', Resource: '*' }] }, ACCOUNT)).toHaveLength(1);
    expect(openings({ Statement: [{ ...thisAccountsPrincipals, Condition: { StringEquals: { 'aws:PrincipalAccount': '222222222222' } } }] }, ACCOUNT)).toHaveLength(1);
  });
});

describe('endpoint-policies.ts: in every isolated option', () => {
  const options: Array<[string, EndpointClusterProps]> = [
    ['a node group, no bastion', {}],
    ['a node group and a bastion', { bastion: true }],
    ['Auto Mode and a bastion with encrypted sessions logged to CloudWatch Logs', { compute: ClusterCompute.AUTO_MODE, bastion: true }],
    ['Public & Private mode, a node group and a bastion', { mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), bastion: true }],
  ];

  test.each(options)('%s: every endpoint created that can take a policy has one, and none lets another account\'s principals through', (_name, props) => {
    // GIVEN a stack without an account: the conditions name the deploy-time account
    const stack = new Stack(testApp(), 'Option');
    const withKeys = props.compute === ClusterCompute.AUTO_MODE
      ? { ...props, bastionOptions: { sessionEncryptionKey: new kms.Key(stack, 'SessionKey', { enableKeyRotation: true }), sessionLogGroup: new logs.LogGroup(stack, 'Sessions') } }
      : props;
    isolatedCluster(stack, isolatedVpc(stack), withKeys);
    const account = { Ref: 'AWS::AccountId' };
    for (const resource of Object.values(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint'))) {
      const service = serviceOfEndpoint(resource);
      const policy = resource.Properties.PolicyDocument;
      expect({ service, policy: policy !== undefined }).toEqual({ service, policy: service === 's3' || service in POLICY_SOURCES });
      if (policy) expect({ service, openings: openings(policy, account) }).toEqual({ service, openings: [] });
    }
  });

  test('endpoints the VPC already has are reused as they are: the user\'s policy, or none, is left alone', () => {
    // GIVEN a VPC with its own STS endpoint (with a policy) and S3 gateway endpoint (without)
    const stack = new Stack(testApp(), 'Existing');
    const vpc = isolatedVpc(stack);
    const sts = vpc.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS });
    sts.addToPolicy(new iam.PolicyStatement({ sid: 'Mine', principals: [new iam.StarPrincipal()], actions: ['sts:GetCallerIdentity'], resources: ['*'] }));
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    // WHEN an isolated cluster reuses them
    expect(isolatedCluster(stack, vpc).vpcEndpointServices).toEqual(['ec2', 'ecr.api', 'ecr.dkr']);
    // THEN their policies are the user's
    const template = Template.fromStack(stack);
    const mine = (id: string) => Object.entries(template.findResources('AWS::EC2::VPCEndpoint')).find(([logicalId]) => logicalId.startsWith(id))![1].Properties;
    expect(mine('VpcSts').PolicyDocument).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'Mine', Effect: 'Allow', Principal: '*', Action: 'sts:GetCallerIdentity', Resource: '*' }] });
    expect(mine('VpcS3').PolicyDocument).toBeUndefined();
  });
});
