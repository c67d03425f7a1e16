import { AccountTemplate, logicalIdFor, READ_METADATA_KEY } from '../../../../lib/check/adapters/account/account-template';
import { Caller } from '../../../../lib/check/adapters/account/caller';
import { readConnectedVpcs, readSubnetsVpcs, readVpc, readVpcs } from '../../../../lib/check/adapters/account/read-network';
import { describeWithMoto, DUMMY_CREDENTIALS, fullNetwork, FullNetwork, Moto, sdkClients, startMoto } from '../../../support/moto';
import { Json } from '../../../support/templates';

/**
 * readVpc against moto's server mode: the network that takes every path of the reader, built
 * once, with an interface endpoint; read once with a page size of 1, so that what moto pages (the
 * Resolver's lists; of EC2's, DescribeInstances only) comes in several pages.
 */
describeWithMoto('readVpc', () => {
  let moto: Moto;
  let sdk: ReturnType<typeof sdkClients>;
  let net: FullNetwork;
  let caller: Caller;
  let template: Json;
  let endpointId: string;
  let endpointGroup: string;
  const resources = (): Array<[string, Json]> => Object.entries(template.Resources as Record<string, Json>);
  const written = (physicalId: string): Json => resources().find(([, r]) => r.Metadata[READ_METADATA_KEY].id === physicalId)?.[1];
  const logicalOf = (physicalId: string): string => resources().find(([, r]) => r.Metadata[READ_METADATA_KEY].id === physicalId)![0];
  const ref = (physicalId: string) => ({ Ref: logicalOf(physicalId) });
  const ofType = (type: string) => resources().filter(([, r]) => r.Type === type).map(([, r]) => r);

  beforeAll(async () => {
    moto = await startMoto();
    sdk = sdkClients(moto);
    net = await fullNetwork(sdk.send);
    endpointGroup = (await sdk.send('ec2', 'CreateSecurityGroup', { GroupName: 'endpoints', Description: 'endpoints', VpcId: net.vpcId })).GroupId;
    endpointId = (await sdk.send('ec2', 'CreateVpcEndpoint', {
      VpcId: net.vpcId, ServiceName: 'com.amazonaws.us-east-1.sts', VpcEndpointType: 'Interface', SubnetIds: [net.subnets.privateA], SecurityGroupIds: [endpointGroup], PrivateDnsEnabled: false,
    })).VpcEndpoint.VpcEndpointId;
    caller = new Caller({ region: 'us-east-1', endpoint: moto.endpoint, credentials: DUMMY_CREDENTIALS, pageSize: 1 });
    template = (await readVpc(caller, net.vpcId)).render();
  });
  afterAll(async () => {
    caller?.close();
    sdk?.destroy();
    await moto?.stop();
  });

  test('the VPC with its DNS attributes and secondary block; Amazon\'s default DHCP options as CloudFormation writes them', () => {
    expect(written(net.vpcId).Properties).toEqual({ CidrBlock: '10.10.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: false });
    expect(ofType('AWS::EC2::VPCCidrBlock').map((b) => b.Properties)).toEqual([{ VpcId: ref(net.vpcId), CidrBlock: net.secondaryCidr }]);
    expect(ofType('AWS::EC2::VPCDHCPOptionsAssociation').map((a) => a.Properties)).toEqual([{ VpcId: ref(net.vpcId), DhcpOptionsId: 'default' }]);
    expect(ofType('AWS::EC2::DHCPOptions')).toEqual([]);
  });

  test('pages are followed: two Resolver endpoints and their two addresses each, one a page', () => {
    expect(ofType('AWS::Route53Resolver::ResolverEndpoint').map((e) => e.Properties.IpAddresses.length)).toEqual([2, 2]);
    expect(caller.requests.get('route53resolver:ListResolverEndpoints')).toBe(2);
    expect(caller.requests.get('route53resolver:ListResolverEndpointIpAddresses')).toBe(4);
    expect(ofType('AWS::EC2::Subnet')).toHaveLength(4);
  });

  test('routes with CloudFormation\'s target names and no local route; a subnet without an association gets the main route table', () => {
    const routes = (table: string) => ofType('AWS::EC2::Route').filter((r) => r.Properties.RouteTableId.Ref === logicalOf(table)).map((r) => r.Properties);
    expect(routes(net.tables.public)).toEqual([{ RouteTableId: ref(net.tables.public), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ref(net.igw) }]);
    expect(routes(net.tables.privateA)).toEqual([
      { RouteTableId: ref(net.tables.privateA), DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: ref(net.nat) },
      { RouteTableId: ref(net.tables.privateA), DestinationCidrBlock: '10.20.0.0/16', VpcPeeringConnectionId: ref(net.peering) },
      { RouteTableId: ref(net.tables.privateA), DestinationCidrBlock: '172.31.0.0/16', TransitGatewayId: ref(net.tgw) },
    ]);
    expect(routes(net.tables.main)).toEqual([]);
    const associations = ofType('AWS::EC2::SubnetRouteTableAssociation').map((a) => a.Properties);
    expect(associations).toContainEqual({ SubnetId: ref(net.subnets.extra), RouteTableId: ref(net.tables.main) });
    expect(associations).toContainEqual({ SubnetId: ref(net.subnets.privateA), RouteTableId: ref(net.tables.privateA) });
    // every subnet has exactly one association
    expect(associations.map((a) => a.SubnetId.Ref).sort()).toEqual(ofType('AWS::EC2::Subnet').map((s) => logicalOf(s.Metadata[READ_METADATA_KEY].id)).sort());
  });

  test('the internet gateway and its attachment, the NAT gateway in its subnet with its Elastic IP, the virtual private gateway attached', () => {
    expect(written(net.igw).Type).toBe('AWS::EC2::InternetGateway');
    const attachments = ofType('AWS::EC2::VPCGatewayAttachment').map((a) => a.Properties);
    expect(attachments).toEqual(expect.arrayContaining([{ VpcId: ref(net.vpcId), InternetGatewayId: ref(net.igw) }, { VpcId: ref(net.vpcId), VpnGatewayId: ref(net.vgw) }]));
    const nat = written(net.nat).Properties;
    expect(nat).toMatchObject({ SubnetId: ref(net.subnets.public), AllocationId: { 'Fn::GetAtt': [logicalOf(net.eip.allocationId), 'AllocationId'] } });
    // moto leaves ConnectivityType out of DescribeNatGateways (AWS gives it): not read
    expect(template.Parameters[nat.ConnectivityType.Ref].Description).toBe(`the connectivity type of ${net.nat}: not in DescribeNatGateways's answer`);
    expect(written(net.eip.allocationId).Metadata[READ_METADATA_KEY].attributes).toEqual({ PublicIp: net.eip.publicIp, AllocationId: net.eip.allocationId });
  });

  test('an interface endpoint with its service, private DNS, subnets and groups', () => {
    expect(written(endpointId).Properties).toEqual({
      ServiceName: 'com.amazonaws.us-east-1.sts', VpcId: ref(net.vpcId), VpcEndpointType: 'Interface', PrivateDnsEnabled: false,
      SubnetIds: [ref(net.subnets.privateA)], SecurityGroupIds: [{ 'Fn::GetAtt': [logicalOf(endpointGroup), 'GroupId'] }],
    });
  });

  test('security groups with their rules inline in CloudFormation\'s shape; egress written whole, since it replaces EC2\'s default', () => {
    const group = (id: string) => ({ 'Fn::GetAtt': [logicalOf(id), 'GroupId'] });
    expect(written(net.groups.controlPlane).Properties).toEqual({
      GroupDescription: 'control-plane', GroupName: 'control-plane', VpcId: ref(net.vpcId),
      SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: group(net.groups.bastion), SourceSecurityGroupOwnerId: '123456789012' }],
      SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }],
    });
    expect(written(net.groups.bastion).Properties.SecurityGroupEgress).toEqual([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.10.0.0/16' }]);
  });

  test('peering, with the peer VPC outside what was read left as its ID; the Transit Gateway attachment and its gateway with their options', () => {
    expect(written(net.peering).Properties).toEqual({ VpcId: ref(net.vpcId), PeerVpcId: net.peerVpcId, PeerOwnerId: '123456789012', PeerRegion: 'us-east-1' });
    expect(written(net.tgwAttachment).Properties).toMatchObject({
      VpcId: ref(net.vpcId), SubnetIds: [ref(net.subnets.privateA), ref(net.subnets.privateB)], TransitGatewayId: ref(net.tgw),
      Options: { SecurityGroupReferencingSupport: 'enable', DnsSupport: 'enable' },
    });
    expect(written(net.tgw).Properties).toMatchObject({ SecurityGroupReferencingSupport: 'enable' });
  });

  test('Resolver endpoints with their addresses, the FORWARD rule and its association with the VPC', () => {
    expect(written(net.resolver.inbound).Properties).toEqual({
      Direction: 'INBOUND', SecurityGroupIds: [{ 'Fn::GetAtt': [logicalOf(net.groups.resolver), 'GroupId'] }],
      IpAddresses: [{ SubnetId: ref(net.subnets.privateA), Ip: '10.10.1.10' }, { SubnetId: ref(net.subnets.privateB), Ip: '10.10.2.10' }],
    });
    expect(written(net.resolver.rule).Properties).toEqual({
      RuleType: 'FORWARD', DomainName: 'corp.example.com.', TargetIps: [{ Ip: '10.20.0.2', Port: '53' }],
      ResolverEndpointId: { 'Fn::GetAtt': [logicalOf(net.resolver.outbound), 'ResolverEndpointId'] },
    });
    expect(written(net.resolver.association).Properties).toEqual({ ResolverRuleId: { 'Fn::GetAtt': [logicalOf(net.resolver.rule), 'ResolverRuleId'] }, VPCId: ref(net.vpcId) });
  });

  test('logical IDs come from physical IDs, alphanumeric and unique, and each resource says what it was read from', () => {
    expect(logicalIdFor('subnet-0a1b')).toBe('Subnet0a1b');
    expect(logicalOf(net.vpcId)).toBe(logicalIdFor(net.vpcId));
    for (const [id] of resources()) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    expect(resources().every(([, r]) => typeof r.Metadata[READ_METADATA_KEY].id === 'string')).toBe(true);
  });

  test('the cluster security group, once the cluster named it, is no resource: its rules beyond EKS\'s own are separate ones on the cluster\'s attribute', async () => {
    // GIVEN the control-plane group taken as a cluster's own group, with EKS's rule (all traffic from itself) added
    await sdk.send('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: net.groups.controlPlane, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: net.groups.controlPlane }] }] });
    const into = new AccountTemplate();
    const cluster = into.add('AWS::EKS::Cluster', 'demo', {}, { ClusterSecurityGroupId: net.groups.controlPlane }, 'Clusterdemo');
    into.setClusterSecurityGroup(net.groups.controlPlane, cluster);
    const other = new Caller({ region: 'us-east-1', endpoint: moto.endpoint, credentials: DUMMY_CREDENTIALS });
    try {
      // WHEN the VPC is read into that template
      const t = (await readVpc(other, net.vpcId, into)).render();
      const all = Object.values(t.Resources as Record<string, Json>);
      // THEN the group is not a resource; its 443 rule from the bastion is, on the cluster's attribute; EKS's own rules are not written
      expect(all.filter((r) => r.Metadata[READ_METADATA_KEY].id === net.groups.controlPlane)).toEqual([]);
      const group = { 'Fn::GetAtt': ['Clusterdemo', 'ClusterSecurityGroupId'] };
      expect(all.filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress').map((r) => r.Properties)).toEqual([
        { GroupId: group, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [logicalOf(net.groups.bastion), 'GroupId'] }, SourceSecurityGroupOwnerId: '123456789012' },
      ]);
      expect(all.filter((r) => r.Type === 'AWS::EC2::SecurityGroupEgress')).toEqual([]);
    } finally {
      other.close();
    }
  });

  test('readConnectedVpcs reads the VPCs one hop away in the same account and region (here the peered one), once; another account\'s is left as its ID', async () => {
    const into = new AccountTemplate();
    const other = new Caller({ region: 'us-east-1', endpoint: moto.endpoint, credentials: DUMMY_CREDENTIALS });
    try {
      await readVpc(other, net.vpcId, into);
      expect(await readConnectedVpcs(other, into, '123456789012')).toEqual([net.peerVpcId]);
      expect(into.has(net.peerVpcId)).toBe(true);
      expect(await readConnectedVpcs(other, into, '123456789012')).toEqual([]);
      const elsewhere = new AccountTemplate();
      await readVpc(other, net.vpcId, elsewhere);
      expect(await readConnectedVpcs(other, elsewhere, '999999999999')).toEqual([]);
    } finally {
      other.close();
    }
  });

  test('a VPC that cannot be described: its block and its DHCP options set are not read, never taken for Amazon\'s default set (moto enforcing an IAM policy)', async () => {
    // GIVEN a user denied ec2:DescribeVpcs
    await sdk.send('iam', 'CreateUser', { UserName: 'no-vpcs' });
    await sdk.send('iam', 'PutUserPolicy', { UserName: 'no-vpcs', PolicyName: 'read', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'ec2:DescribeVpcs', Resource: '*' },
    ] }) });
    const key = (await sdk.send('iam', 'CreateAccessKey', { UserName: 'no-vpcs' })).AccessKey;
    const denied = new Caller({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey } });
    let read: Json;
    await moto.enforceIam(true);
    try {
      // WHEN the VPC is read
      read = (await readVpc(denied, net.vpcId)).render();
    } finally {
      await moto.enforceIam(false);
      denied.close();
    }
    // THEN the block and the DHCP options set are parameters saying why, and the rest was read
    const all = Object.values(read.Resources as Record<string, Json>);
    const vpc = all.find((r) => r.Type === 'AWS::EC2::VPC');
    const association = all.find((r) => r.Type === 'AWS::EC2::VPCDHCPOptionsAssociation');
    expect(read.Parameters[vpc.Properties.CidrBlock.Ref].Description).toBe(`the CIDR block of ${net.vpcId}: ec2:DescribeVpcs was denied: AccessDenied`);
    expect(read.Parameters[association.Properties.DhcpOptionsId.Ref].Description).toBe(`the DHCP options set of ${net.vpcId}: ec2:DescribeVpcs was denied: AccessDenied`);
    expect(all.filter((r) => r.Type === 'AWS::EC2::Subnet')).toHaveLength(4);
  });

  test('readVpcs reads VPCs by ID into one account read, the account from the VPC\'s owner', async () => {
    const other = new Caller({ region: 'us-east-1', endpoint: moto.endpoint, credentials: DUMMY_CREDENTIALS });
    try {
      const read = await readVpcs(other, [net.peerVpcId]);
      expect(read).toMatchObject({ account: '123456789012', region: 'us-east-1', denied: [] });
      expect(Object.values(read.template.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::EC2::VPC').map((r) => r.Properties.CidrBlock)).toEqual(['10.20.0.0/16']);
      expect(read.actions).toContain('ec2:DescribeVpcAttribute');
    } finally {
      other.close();
    }
  });

  test('readSubnetsVpcs reads the VPC of the subnets given, once', async () => {
    const into = new AccountTemplate();
    const other = new Caller({ region: 'us-east-1', endpoint: moto.endpoint, credentials: DUMMY_CREDENTIALS });
    try {
      expect(await readSubnetsVpcs(other, [net.subnets.privateA, net.subnets.privateB], into)).toEqual([net.vpcId]);
      expect(into.has(net.vpcId)).toBe(true);
      expect(other.requests.get('ec2:DescribeVpcs')).toBe(1);
    } finally {
      other.close();
    }
  });
});
