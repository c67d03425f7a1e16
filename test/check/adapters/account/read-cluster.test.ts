import { AccountRead, accountInput, READ_METADATA_KEY } from '../../../../lib/check/adapters/account/account-template';
import { AccountReadError, Caller } from '../../../../lib/check/adapters/account/caller';
import { READ_ACTIONS } from '../../../../lib/check/adapters/account/policy';
import { readCluster } from '../../../../lib/check/adapters/account/read-cluster';
import { ASPECT_RULES } from '../../../../lib/check/adapters/rule-sets';
import { READS } from '../../../../lib/check/adapters/tree-templates';
import { judge } from '../../../../lib/check/engine/analyze';
import { ReportedFinding } from '../../../../lib/check/engine/finding';
import { BuiltNetwork, describeWithMoto, DUMMY_CREDENTIALS, fullNetwork, FullNetwork, Moto, privateClusterNetwork, sdkClients, startMoto } from '../../../support/moto';
import { accountEquivalent, check, Json } from '../../../support/templates';

/**
 * readCluster against moto's server mode: one emulator for the file, two networks built once
 * (the equivalence test's private cluster, and one that takes every path of the reader), each
 * cluster read once and shared by the cases.
 */
describeWithMoto('readCluster', () => {
  let moto: Moto;
  let sdk: ReturnType<typeof sdkClients>;
  let privateNet: BuiltNetwork;
  let full: FullNetwork;
  let privateRead: AccountRead;
  let fullRead: AccountRead;
  const callers: Caller[] = [];
  const caller = (credentials = DUMMY_CREDENTIALS) => {
    const c = new Caller({ region: 'us-east-1', endpoint: moto.endpoint, credentials, retry: { retries: 1, sleep: async () => {} } });
    callers.push(c);
    return c;
  };
  /** The resource written for a physical ID. */
  const written = (read: AccountRead, physicalId: string): Json => Object.values(read.template.Resources as Record<string, Json>)
    .find((r) => r.Metadata[READ_METADATA_KEY].id === physicalId);
  const logicalOf = (read: AccountRead, physicalId: string): string | undefined => Object.entries(read.template.Resources as Record<string, Json>)
    .find(([, r]) => r.Metadata[READ_METADATA_KEY].id === physicalId)?.[0];

  beforeAll(async () => {
    moto = await startMoto();
    sdk = sdkClients(moto);
    [privateNet, full] = await Promise.all([privateClusterNetwork(sdk.send), fullNetwork(sdk.send)]);
    [privateRead, fullRead] = await Promise.all([readCluster(caller(), privateNet.clusterName), readCluster(caller(), full.clusterName)]);
  });
  afterAll(async () => {
    callers.forEach((c) => c.close());
    sdk?.destroy();
    await moto?.stop();
  });

  describe('the equivalence test (issue 15 item 3)', () => {
    // the same rules, levels and subjects for the network read from the emulator and written by hand
    const key = (f: ReportedFinding, names: (name: string) => string) =>
      `${f.level} ${f.verified ? 'verified' : 'not verifiable'} ${f.ruleId} ${(f.subjects ?? []).map((s) => `${s.kind}:${names(s.name)}`).join(',')}`;

    test('a private cluster with a bastion, a DHCP set without Amazon\'s DNS and no ECR or STS endpoint: the same findings from the account as from its template', () => {
      // GIVEN the account read, its resources named as the hand-written template names them
      const input = accountInput(privateRead);
      const byPhysical: Record<string, string> = {
        [privateNet.vpcId]: 'Vpc', [privateNet.subnets.private1]: 'Private1', [privateNet.subnets.private2]: 'Private2', [privateNet.subnets.bastion]: 'BastionSubnet',
        [privateNet.bastionId]: 'BastionInstance', [`${privateNet.clusterName}/nodes`]: 'Nodes', [privateNet.dhcpOptionsId]: 'Dhcp', demo: 'Cluster',
      };
      // a resource read is named `<physical id> (<input id>)`
      const rename = (name: string) => name.split(` (${input.id})`).join('').replace(/[\w/.-]+$/, (physical) =>
        byPhysical[physical] ? `Stack/${byPhysical[physical]}` : physical);
      // WHEN both are judged with the CLI's rules
      const fromAccount = judge([input], ASPECT_RULES).findings.map((f) => key(f, rename)).sort();
      const fromTemplate = check(accountEquivalent()).map((f) => key(f, (n) => n)).sort();
      // THEN the findings are the same, and they are the ones the network deserves
      expect(fromAccount).toEqual(fromTemplate);
      expect(fromAccount).toEqual([
        'error verified DhcpOptionsDns ',
        'error verified IsolatedNodeEndpoints compute:the nodes of Stack/Nodes',
        'warning not verifiable ClientLikeInstancePath client:Stack/BastionInstance',
      ]);
    });

    test('fails on a template that differs from the account: the comparison sees a finding', () => {
      const t = accountEquivalent();
      t.Resources.Dhcp.Properties.DomainNameServers = ['AmazonProvidedDNS'];
      expect(check(t).map((f) => f.ruleId)).not.toContain('DhcpOptionsDns');
      expect(judge([accountInput(privateRead)], ASPECT_RULES).findings.map((f) => f.ruleId)).toContain('DhcpOptionsDns');
    });
  });

  describe('the template written', () => {
    test('the cluster in AWS::EKS::Cluster\'s shape: endpoint flags, subnets and groups by reference, logging, the service block', () => {
      const cluster = written(privateRead, 'demo');
      expect(cluster.Type).toBe('AWS::EKS::Cluster');
      expect(cluster.Properties).toMatchObject({
        Name: 'demo',
        RoleArn: 'arn:aws:iam::123456789012:role/eks',
        ResourcesVpcConfig: {
          SubnetIds: [{ Ref: logicalOf(privateRead, privateNet.subnets.private1) }, { Ref: logicalOf(privateRead, privateNet.subnets.private2) }],
          SecurityGroupIds: [{ 'Fn::GetAtt': [logicalOf(privateRead, privateNet.groups.controlPlane), 'GroupId'] }],
          EndpointPublicAccess: false,
          EndpointPrivateAccess: true,
        },
        KubernetesNetworkConfig: { ServiceIpv4Cidr: '172.20.0.0/16' },
        Logging: { ClusterLogging: { EnabledTypes: [] } },
      });
      expect(cluster.Metadata[READ_METADATA_KEY].attributes.Arn).toBe('arn:aws:eks:us-east-1:123456789012:cluster/demo');
      expect(written(fullRead, 'full').Properties.Logging).toEqual({ ClusterLogging: { EnabledTypes: [{ Type: 'api' }, { Type: 'audit' }] } });
    });

    test('what DescribeCluster leaves out is a parameter without a value that says so (moto omits the access configuration and the cluster security group)', () => {
      const cluster = written(privateRead, 'demo');
      const parameter = (value: Json) => privateRead.template.Parameters[value.Ref];
      expect(parameter(cluster.Properties.AccessConfig.AuthenticationMode)).toEqual({ Type: 'String', Description: 'AuthenticationMode of the cluster demo: not in DescribeCluster\'s answer' });
      expect(parameter(cluster.Properties.ResourcesVpcConfig.PublicAccessCidrs).Type).toBe('CommaDelimitedList');
      // the cluster security group's rules: one rule on it whose protocol and source are not known
      const rules = Object.values(privateRead.template.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress');
      expect(rules).toHaveLength(1);
      expect(rules[0].Properties.GroupId).toEqual({ 'Fn::GetAtt': [logicalOf(privateRead, 'demo'), 'ClusterSecurityGroupId'] });
      expect(parameter(rules[0].Properties.IpProtocol).Description).toMatch(/clusterSecurityGroupId is not in DescribeCluster's answer/);
      // ListAccessEntries is not in moto: recorded, and the entries are a parameter too
      expect(privateRead.unanswered.map((u) => u.action)).toEqual(['eks:ListAccessEntries']);
      expect(privateRead.template.Parameters.NotReadAccessEntriesdemo.Description).toMatch(/eks:ListAccessEntries got no answer/);
    });

    test('the allow-list entry that is the NAT gateway\'s address is written as its Elastic IP', () => {
      const eip = logicalOf(fullRead, full.eip.allocationId);
      expect(written(fullRead, full.eip.allocationId).Metadata[READ_METADATA_KEY].attributes.PublicIp).toBe(full.eip.publicIp);
      expect(written(fullRead, 'full').Properties.ResourcesVpcConfig.PublicAccessCidrs).toEqual([{ 'Fn::Join': ['', [{ Ref: eip }, '/32']] }]);
    });

    test('node groups and Fargate profiles with their subnets, role and selectors', () => {
      expect(written(fullRead, 'full/nodes').Properties).toEqual({
        ClusterName: { Ref: 'Clusterfull' }, NodegroupName: 'nodes', NodeRole: 'arn:aws:iam::123456789012:role/node',
        Subnets: [{ Ref: logicalOf(fullRead, full.subnets.privateA) }, { Ref: logicalOf(fullRead, full.subnets.privateB) }],
      });
      expect(written(fullRead, 'full/fargate/system').Properties).toEqual({
        ClusterName: { Ref: 'Clusterfull' }, FargateProfileName: 'system', PodExecutionRoleArn: 'arn:aws:iam::123456789012:role/pods',
        Subnets: [{ Ref: logicalOf(fullRead, full.subnets.privateA) }], Selectors: [{ Namespace: 'kube-system', Labels: [{ Key: 'app', Value: 'dns' }] }],
      });
    });

    test('an instance with its subnet, groups, Name and profile, the profile\'s role and its managed policies; nodes are not clients', () => {
      const bastion = written(privateRead, privateNet.bastionId);
      const profile = privateRead.template.Resources[bastion.Properties.IamInstanceProfile.Ref];
      const role = privateRead.template.Resources[profile.Properties.Roles[0].Ref];
      expect(bastion.Properties).toEqual({
        SubnetId: { Ref: logicalOf(privateRead, privateNet.subnets.bastion) },
        SecurityGroupIds: [{ 'Fn::GetAtt': [logicalOf(privateRead, privateNet.groups.bastion), 'GroupId'] }],
        IamInstanceProfile: { Ref: 'InstanceProfilebastionProfile' },
        Tags: [{ Key: 'Name', Value: 'bastion' }],
      });
      expect(role.Properties.ManagedPolicyArns).toEqual(['arn:aws:iam::123456789012:policy/AmazonSSMManagedInstanceCore']);
      expect(role.Metadata[READ_METADATA_KEY].attributes.Arn).toBe(privateNet.roleArn);
      expect(written(fullRead, full.nodeInstanceId)).toBeUndefined();
    });

    test('a subnet with no explicit association is associated with the main route table, its effective routing', () => {
      const association = Object.values(privateRead.template.Resources as Record<string, Json>)
        .find((r) => r.Type === 'AWS::EC2::SubnetRouteTableAssociation' && r.Properties.SubnetId.Ref === logicalOf(privateRead, privateNet.subnets.bastion));
      expect(association.Properties.RouteTableId).toEqual({ Ref: logicalOf(privateRead, privateNet.tables.main) });
      expect(association.Metadata[READ_METADATA_KEY].attributes).toEqual({ Main: 'true' });
    });

    test('every type written is one the engine reads (tree-templates.ts\'s READS), with the properties it reads by their CloudFormation names', () => {
      const all = [...Object.values(privateRead.template.Resources), ...Object.values(fullRead.template.Resources)] as Json[];
      expect(all.filter((r) => !(r.Type in READS)).map((r) => r.Type)).toEqual([]);
      // each property the engine reads of a type, where the reader writes the type: written under that name or not at all
      const read = new Set(all.flatMap((r) => Object.keys(r.Properties).map((p) => `${r.Type}.${p}`)));
      expect(['AWS::EKS::Cluster.ResourcesVpcConfig', 'AWS::EC2::VPC.EnableDnsHostnames', 'AWS::EC2::Instance.IamInstanceProfile', 'AWS::EKS::Nodegroup.Subnets',
        'AWS::Route53Resolver::ResolverEndpoint.IpAddresses', 'AWS::EC2::TransitGatewayVpcAttachment.Options'].filter((p) => !read.has(p))).toEqual([]);
    });

    test('the account, region, time and input id of the read', () => {
      expect(privateRead).toMatchObject({ account: '123456789012', region: 'us-east-1', denied: [] });
      expect(Date.parse(privateRead.readAt)).toBeGreaterThan(Date.now() - 600_000);
      expect(accountInput(privateRead)).toMatchObject({
        id: expect.stringMatching(/^account 123456789012 us-east-1, read \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/), region: 'us-east-1', account: '123456789012',
        readFrom: { account: '123456789012', region: 'us-east-1', at: privateRead.readAt },
      });
    });
  });

  test('the VPCs one hop away in the same account are read too, so connected clients are judged, not "outside the templates"', () => {
    // GIVEN the full network's cluster VPC peered with 10.20.0.0/16 and attached to a Transit Gateway
    const peer = written(fullRead, full.peerVpcId);
    expect(peer.Properties.CidrBlock).toBe('10.20.0.0/16');
    expect(written(fullRead, full.peering).Properties.PeerVpcId).toEqual({ Ref: logicalOf(fullRead, full.peerVpcId) });
    // THEN the peering's resolution is judged, on the peer VPC read (no FORWARD rule is associated with it)
    const resolution = judge([accountInput(fullRead)], ASPECT_RULES).findings.filter((f) => f.ruleId === 'ConnectedClientResolution')
      .map((f) => `${f.level} ${f.verified ? 'verified' : 'not verifiable'} ${f.subjects?.[0].name.replace(/ \(account .*\)$/, '')}`);
    // a resource read is named by its physical ID and where and when it was read
    expect(resolution).toEqual([
      `warning verified ${full.peering}`,
      // no other VPC is attached to the Transit Gateway: its other side stays outside what was read
      `warning not verifiable ${full.tgwAttachment}`,
    ]);
  });

  test('policy.ts\'s READ_ACTIONS are exactly the actions the reader called on networks that take its every path', () => {
    const called = new Set([...privateRead.actions, ...fullRead.actions]);
    expect([...called].sort()).toEqual([...READ_ACTIONS].sort());
  });

  test('a denied call leaves its fact not read and the reading goes on: the rules say "not verifiable", never pass or fail (moto enforcing an IAM policy)', async () => {
    // GIVEN a user whose policy denies the DNS attributes, the DHCP options and the VPC endpoints, with moto enforcing IAM
    const policy = { Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: ['ec2:DescribeVpcAttribute', 'ec2:DescribeDhcpOptions', 'ec2:DescribeVpcEndpoints'], Resource: '*' },
    ] };
    await sdk.send('iam', 'CreateUser', { UserName: 'reader' });
    await sdk.send('iam', 'PutUserPolicy', { UserName: 'reader', PolicyName: 'read', PolicyDocument: JSON.stringify(policy) });
    const key = (await sdk.send('iam', 'CreateAccessKey', { UserName: 'reader' })).AccessKey;
    let read: AccountRead;
    await moto.enforceIam(true);
    try {
      // WHEN the cluster is read with the user's key
      read = await readCluster(caller({ accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }), privateNet.clusterName);
    } finally {
      await moto.enforceIam(false);
    }
    // THEN each denied call is recorded with what it was to read
    const vpc = privateNet.vpcId;
    expect(read.denied).toEqual([
      { action: 'ec2:DescribeDhcpOptions', what: `the DHCP options ${privateNet.dhcpOptionsId}`, code: 'AccessDenied' },
      { action: 'ec2:DescribeVpcAttribute', what: `the enableDnsHostnames attribute of ${vpc}`, code: 'AccessDenied' },
      { action: 'ec2:DescribeVpcAttribute', what: `the enableDnsSupport attribute of ${vpc}`, code: 'AccessDenied' },
      { action: 'ec2:DescribeVpcEndpoints', what: `the VPC endpoints of ${vpc}`, code: 'AccessDenied' },
    ]);
    // AND its facts are parameters without a value that say why
    const vpcResource = written(read, vpc);
    expect(read.template.Parameters[vpcResource.Properties.EnableDnsSupport.Ref].Description).toBe(`EnableDnsSupport of ${vpc}: ec2:DescribeVpcAttribute was denied: AccessDenied`);
    expect(read.template.Parameters[written(read, privateNet.dhcpOptionsId).Properties.DomainNameServers.Ref])
      .toEqual({ Type: 'CommaDelimitedList', Description: `the DNS servers of ${privateNet.dhcpOptionsId}: ec2:DescribeDhcpOptions was denied: AccessDenied` });
    // AND the rules that needed them warn that they could not verify: the two errors of the full read (DHCP options, endpoints) are now unknowns
    const findings = judge([accountInput(read)], ASPECT_RULES).findings.map((f) => `${f.level} ${f.verified ? 'verified' : 'not verifiable'} ${f.ruleId}`).sort();
    expect(findings).toEqual([
      'warning not verifiable ClientLikeInstancePath', 'warning not verifiable DhcpOptionsDns', 'warning not verifiable IsolatedNodeEndpoints',
      'warning not verifiable VpcDnsHostnames', 'warning not verifiable VpcDnsSupport',
    ]);
  });

  test('a connection list not read is not an empty list: one connection of an unknown other side stands for it, and no verdict is definite for it', async () => {
    // GIVEN a user whose policy denies the peering and Transit Gateway attachment lists (moto 5.2.1 answers a
    // denied Route 53 Resolver call in XML where the service speaks JSON, which the SDK cannot parse: the
    // Resolver list's branch, written the same way, is not tested against it)
    const policy = { Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: ['ec2:DescribeVpcPeeringConnections', 'ec2:DescribeTransitGatewayVpcAttachments'], Resource: '*' },
    ] };
    await sdk.send('iam', 'CreateUser', { UserName: 'no-lists' });
    await sdk.send('iam', 'PutUserPolicy', { UserName: 'no-lists', PolicyName: 'read', PolicyDocument: JSON.stringify(policy) });
    const key = (await sdk.send('iam', 'CreateAccessKey', { UserName: 'no-lists' })).AccessKey;
    let read: AccountRead;
    await moto.enforceIam(true);
    try {
      read = await readCluster(caller({ accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }), privateNet.clusterName, undefined, { connected: false });
    } finally {
      await moto.enforceIam(false);
    }
    const vpc = privateNet.vpcId;
    const types = Object.values(read.template.Resources as Record<string, Json>);
    // THEN each list not read is written as one resource whose other side is a fact not read
    const peerings = types.filter((r) => r.Type === 'AWS::EC2::VPCPeeringConnection');
    expect(peerings.map((r) => read.template.Parameters[r.Properties.PeerVpcId.Ref].Description)).toEqual([
      `the peering connections ${vpc} requested: ec2:DescribeVpcPeeringConnections was denied: AccessDenied`,
      `the peering connections ${vpc} accepted: ec2:DescribeVpcPeeringConnections was denied: AccessDenied`,
    ]);
    const attachment = types.find((r) => r.Type === 'AWS::EC2::TransitGatewayVpcAttachment')!;
    expect(read.template.Parameters[attachment.Properties.TransitGatewayId.Ref].Description).toMatch(/^the Transit Gateway attachments of vpc-\w+: ec2:DescribeTransitGatewayVpcAttachments was denied/);
    // AND the findings the connections bring are warnings, not verifiable; the network's own errors stay
    const findings = judge([accountInput(read)], ASPECT_RULES).findings;
    const connected = findings.filter((f) => /^Connected/.test(f.ruleId));
    expect(connected.length).toBeGreaterThan(0);
    expect(connected.every((f) => f.level === 'warning' && !f.verified)).toBe(true);
    expect(findings.filter((f) => f.level === 'error').map((f) => f.ruleId).sort()).toEqual(['DhcpOptionsDns', 'IsolatedNodeEndpoints']);
  });

  test('refuses a cluster that does not exist, in one line naming it and the region', async () => {
    const reading = readCluster(caller(), 'nope');
    await expect(reading).rejects.toThrow(AccountReadError);
    await expect(reading).rejects.toThrow(/^no EKS cluster named nope in us-east-1 \(eks:DescribeCluster: ResourceNotFoundException\): check the name and --region$/);
  });
});
