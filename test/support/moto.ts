import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

/**
 * moto's server mode (`moto_server`, the emulator of AWS's APIs that the account reader is
 * tested against): one process per test file, on a free local port, stopped with its process
 * group. Where it is not installed the tests say so and are skipped, except in CI
 * (`process.env.CI`), where its absence fails the run.
 */
export function motoInstalled(): boolean {
  // found on the PATH, without starting Python (a second per test file)
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, 'moto_server'), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * `describe`, or `describe.skip` with a line saying why when moto_server is absent (outside CI;
 * in CI a test fails instead, so the emulator tests cannot silently vanish).
 */
export function describeWithMoto(name: string, body: () => void): void {
  if (motoInstalled()) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      test('fails: moto_server is not installed, and CI must run the emulator tests', () => {
        throw new Error('moto_server is not on the PATH: pip install "moto[server]" (the account reader\'s tests need it)');
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`skipped "${name}": moto_server is not installed (pip install "moto[server]")`);
  describe.skip(name, body);
}

/** A running moto_server. */
export interface Moto {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Empties every backend (POST /moto-api/reset). */
  reset(): Promise<void>;
  /**
   * Turns moto's IAM enforcement on (`true`: every request from now on is authorised against
   * the policies of the IAM user whose access key signed it) or off. moto's /moto-api/reset-auth.
   */
  enforceIam(on: boolean): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST' }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve(data));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts moto_server on a free port and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true, stdio: process.env.MOTO_LOG ? ['ignore', 'ignore', fs.openSync(process.env.MOTO_LOG, 'w')] : 'ignore', 
  });
  child.unref();
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await new Promise<void>((resolve, reject) => {
        http.get(`${endpoint}/moto-api/`, (res) => {
          res.resume();
          resolve();
        }).on('error', reject);
      });
      break;
    } catch (e) {
      if (Date.now() > deadline || child.exitCode !== null) {
        kill(child);
        throw new Error(`moto_server did not start on port ${port}: ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    endpoint,
    port,
    stop: async () => kill(child),
    reset: async () => {
      await post(`${endpoint}/moto-api/reset`, '');
    },
    enforceIam: async (on) => {
      await post(`${endpoint}/moto-api/reset-auth`, on ? '0' : 'inf');
    },
  };
}

function kill(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** Dummy credentials moto accepts (it checks them only with IAM enforcement on). */
export const DUMMY_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** The options of an SDK v3 client pointed at moto, in us-east-1, without the SDK's own retries. */
export function clientConfig(moto: Moto, credentials = DUMMY_CREDENTIALS): Record<string, unknown> {
  return { endpoint: moto.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
}

// ---- networks built in moto through the SDK, for the account reader's tests ----

/* eslint-disable @typescript-eslint/no-require-imports */
type Json = any;

/** The SDK clients of the services the tests build with, pointed at moto. */
export function sdkClients(moto: Moto, credentials = DUMMY_CREDENTIALS) {
  const config = clientConfig(moto, credentials);
  const ec2 = require('@aws-sdk/client-ec2');
  const eks = require('@aws-sdk/client-eks');
  const resolver = require('@aws-sdk/client-route53resolver');
  const iam = require('@aws-sdk/client-iam');
  const clients = {
    ec2: new ec2.EC2Client(config), eks: new eks.EKSClient(config), route53resolver: new resolver.Route53ResolverClient(config), iam: new iam.IAMClient(config),
  };
  const modules: Record<string, Json> = { ec2, eks, route53resolver: resolver, iam };
  /** Sends `<Operation>Command` to a service: `send('ec2', 'CreateVpc', { CidrBlock })`. */
  const send = (service: keyof typeof clients, operation: string, input: Json = {}): Promise<Json> =>
    clients[service].send(new modules[service][`${operation}Command`](input)).catch((e: Error) => {
      throw new Error(`${service}:${operation} ${JSON.stringify(input)} failed in moto: ${e.message}`);
    });
  return { send, destroy: () => Object.values(clients).forEach((c: Json) => c.destroy()) };
}

type Send = ReturnType<typeof sdkClients>['send'];

/** What `privateClusterNetwork` built: the IDs a test asserts on. */
export interface BuiltNetwork {
  readonly vpcId: string;
  readonly subnets: { readonly private1: string; readonly private2: string; readonly bastion: string };
  readonly tables: { readonly private1: string; readonly private2: string; readonly main: string };
  readonly groups: { readonly controlPlane: string; readonly bastion: string; readonly endpoints: string };
  readonly dhcpOptionsId: string;
  readonly endpoints: { readonly ec2: string; readonly s3: string };
  readonly bastionId: string;
  readonly roleArn: string;
  readonly clusterName: string;
}

/**
 * The network of the equivalence test (issue 15 item 3), built in moto: VPC 10.0.0.0/16 with DNS
 * on and a DHCP options set whose only DNS server is 192.168.0.10 (not Amazon's); private subnets
 * 10.0.1.0/24 and 10.0.2.0/24 with route tables of their own and no default route; a bastion
 * subnet 10.0.3.0/24 with no explicit association (the main route table, local route only); an
 * `ec2` interface endpoint and an `s3` gateway endpoint, but none for ECR or STS; a Private
 * cluster `demo` in the private subnets with an additional control-plane group; a node group; a
 * bastion instance (Name `bastion`) in the bastion subnet, with an instance profile whose role has
 * a policy named AmazonSSMManagedInstanceCore, and a group the control-plane group does not let in.
 */
export async function privateClusterNetwork(send: Send, clusterName = 'demo'): Promise<BuiltNetwork> {
  const vpcId = (await send('ec2', 'CreateVpc', { CidrBlock: '10.0.0.0/16' })).Vpc.VpcId;
  await send('ec2', 'ModifyVpcAttribute', { VpcId: vpcId, EnableDnsSupport: { Value: true } });
  await send('ec2', 'ModifyVpcAttribute', { VpcId: vpcId, EnableDnsHostnames: { Value: true } });
  const dhcpOptionsId = (await send('ec2', 'CreateDhcpOptions', { DhcpConfigurations: [{ Key: 'domain-name-servers', Values: ['192.168.0.10'] }] })).DhcpOptions.DhcpOptionsId;
  await send('ec2', 'AssociateDhcpOptions', { VpcId: vpcId, DhcpOptionsId: dhcpOptionsId });
  const subnet = async (cidr: string) => (await send('ec2', 'CreateSubnet', { VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: 'us-east-1a' })).Subnet.SubnetId as string;
  const private1 = await subnet('10.0.1.0/24');
  const private2 = await subnet('10.0.2.0/24');
  const bastionSubnet = await subnet('10.0.3.0/24');
  const table = async (subnetId: string) => {
    const id = (await send('ec2', 'CreateRouteTable', { VpcId: vpcId })).RouteTable.RouteTableId as string;
    await send('ec2', 'AssociateRouteTable', { RouteTableId: id, SubnetId: subnetId });
    return id;
  };
  const table1 = await table(private1);
  const table2 = await table(private2);
  const main = (await send('ec2', 'DescribeRouteTables', { Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }] })).RouteTables[0].RouteTableId;
  const group = async (name: string) => (await send('ec2', 'CreateSecurityGroup', { GroupName: name, Description: name, VpcId: vpcId })).GroupId as string;
  const controlPlane = await group('control-plane');
  const bastionGroup = await group('bastion');
  const endpointGroup = await group('endpoints');
  await send('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: endpointGroup, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }] });
  const ec2Endpoint = (await send('ec2', 'CreateVpcEndpoint', {
    VpcId: vpcId, ServiceName: 'com.amazonaws.us-east-1.ec2', VpcEndpointType: 'Interface', SubnetIds: [private1, private2], SecurityGroupIds: [endpointGroup], PrivateDnsEnabled: true,
  })).VpcEndpoint.VpcEndpointId;
  const s3Endpoint = (await send('ec2', 'CreateVpcEndpoint', { VpcId: vpcId, ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: [table1, table2] })).VpcEndpoint.VpcEndpointId;
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const role = (await send('iam', 'CreateRole', { RoleName: 'bastion-role', AssumeRolePolicyDocument: trust })).Role;
  // moto loads AWS's managed policies only with MOTO_IAM_LOAD_MANAGED_POLICIES, which costs seconds: a
  // customer policy of the same name stands in for it (the engine knows the policy by its name)
  const ssm = (await send('iam', 'CreatePolicy', { PolicyName: 'AmazonSSMManagedInstanceCore', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ssm:UpdateInstanceInformation', Resource: '*' }] }) })).Policy.Arn;
  await send('iam', 'AttachRolePolicy', { RoleName: 'bastion-role', PolicyArn: ssm });
  const profile = (await send('iam', 'CreateInstanceProfile', { InstanceProfileName: 'bastion-profile' })).InstanceProfile;
  await send('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: 'bastion-profile', RoleName: 'bastion-role' });
  const nodeRole = (await send('iam', 'CreateRole', { RoleName: 'node-role', AssumeRolePolicyDocument: trust })).Role;
  await send('eks', 'CreateCluster', {
    name: clusterName, roleArn: 'arn:aws:iam::123456789012:role/eks',
    resourcesVpcConfig: { subnetIds: [private1, private2], securityGroupIds: [controlPlane], endpointPublicAccess: false, endpointPrivateAccess: true },
  });
  await send('eks', 'CreateNodegroup', { clusterName, nodegroupName: 'nodes', nodeRole: nodeRole.Arn, subnets: [private1, private2] });
  const bastionId = (await send('ec2', 'RunInstances', {
    ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', SubnetId: bastionSubnet, SecurityGroupIds: [bastionGroup],
    IamInstanceProfile: { Arn: profile.Arn }, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'bastion' }] }],
  })).Instances[0].InstanceId;
  return {
    vpcId, subnets: { private1, private2, bastion: bastionSubnet }, tables: { private1: table1, private2: table2, main },
    groups: { controlPlane, bastion: bastionGroup, endpoints: endpointGroup }, dhcpOptionsId, endpoints: { ec2: ec2Endpoint, s3: s3Endpoint },
    bastionId, roleArn: role.Arn, clusterName,
  };
}

/** What `fullNetwork` built. */
export interface FullNetwork {
  readonly vpcId: string;
  readonly peerVpcId: string;
  readonly secondaryCidr: string;
  readonly subnets: { readonly public: string; readonly privateA: string; readonly privateB: string; readonly extra: string };
  readonly tables: { readonly public: string; readonly privateA: string; readonly privateB: string; readonly main: string };
  readonly igw: string;
  readonly nat: string;
  readonly eip: { readonly allocationId: string; readonly publicIp: string };
  readonly vgw: string;
  readonly peering: string;
  readonly tgw: string;
  readonly tgwAttachment: string;
  readonly resolver: { readonly inbound: string; readonly outbound: string; readonly rule: string; readonly association: string };
  readonly groups: { readonly controlPlane: string; readonly bastion: string; readonly resolver: string };
  readonly clusterName: string;
  readonly bastionId: string;
  /** An instance tagged as a managed node group's node. */
  readonly nodeInstanceId: string;
}

/**
 * A network that takes every path of the reader: VPC 10.10.0.0/16 with a secondary block
 * 100.64.0.0/16 and Amazon's default DHCP options; a public subnet routed to an internet gateway,
 * two private subnets (us-east-1a, us-east-1b) routed to a NAT gateway, to a peered VPC
 * (10.20.0.0/16) and to a Transit Gateway, a virtual private gateway attached; a subnet of the secondary block on the main route table; inbound and outbound
 * Resolver endpoints and a FORWARD rule associated with the VPC; a Public & Private cluster
 * `full` allowing the NAT address, with a node group and a Fargate profile; a bastion whose group
 * the control-plane group lets in on 443, with an egress rule to the VPC only; an instance tagged
 * as a node group's node.
 */
export async function fullNetwork(send: Send, clusterName = 'full'): Promise<FullNetwork> {
  const vpcId = (await send('ec2', 'CreateVpc', { CidrBlock: '10.10.0.0/16' })).Vpc.VpcId;
  const secondaryCidr = '100.64.0.0/16';
  await send('ec2', 'AssociateVpcCidrBlock', { VpcId: vpcId, CidrBlock: secondaryCidr });
  const peerVpcId = (await send('ec2', 'CreateVpc', { CidrBlock: '10.20.0.0/16' })).Vpc.VpcId;
  const subnet = async (cidr: string, az = 'us-east-1a') => (await send('ec2', 'CreateSubnet', { VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az })).Subnet.SubnetId as string;
  const publicSubnet = await subnet('10.10.0.0/24');
  const privateA = await subnet('10.10.1.0/24');
  const privateB = await subnet('10.10.2.0/24', 'us-east-1b');
  const extra = await subnet('100.64.0.0/24');
  const table = async (subnetId: string) => {
    const id = (await send('ec2', 'CreateRouteTable', { VpcId: vpcId })).RouteTable.RouteTableId as string;
    await send('ec2', 'AssociateRouteTable', { RouteTableId: id, SubnetId: subnetId });
    return id;
  };
  const tables = { public: await table(publicSubnet), privateA: await table(privateA), privateB: await table(privateB) };
  const main = (await send('ec2', 'DescribeRouteTables', { Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }] })).RouteTables[0].RouteTableId;
  const igw = (await send('ec2', 'CreateInternetGateway')).InternetGateway.InternetGatewayId;
  await send('ec2', 'AttachInternetGateway', { InternetGatewayId: igw, VpcId: vpcId });
  await send('ec2', 'CreateRoute', { RouteTableId: tables.public, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw });
  const address = await send('ec2', 'AllocateAddress', { Domain: 'vpc' });
  const nat = (await send('ec2', 'CreateNatGateway', { SubnetId: publicSubnet, AllocationId: address.AllocationId })).NatGateway.NatGatewayId;
  const vgw = (await send('ec2', 'CreateVpnGateway', { Type: 'ipsec.1' })).VpnGateway.VpnGatewayId;
  await send('ec2', 'AttachVpnGateway', { VpnGatewayId: vgw, VpcId: vpcId });
  // moto 5.2 answers EnableVgwRoutePropagation with an HTTP 500: propagation is read (PropagatingVgws) but not emulated
  const peering = (await send('ec2', 'CreateVpcPeeringConnection', { VpcId: vpcId, PeerVpcId: peerVpcId })).VpcPeeringConnection.VpcPeeringConnectionId;
  await send('ec2', 'AcceptVpcPeeringConnection', { VpcPeeringConnectionId: peering });
  const tgw = (await send('ec2', 'CreateTransitGateway', { Options: { SecurityGroupReferencingSupport: 'enable' } })).TransitGateway.TransitGatewayId;
  const tgwAttachment = (await send('ec2', 'CreateTransitGatewayVpcAttachment', {
    TransitGatewayId: tgw, VpcId: vpcId, SubnetIds: [privateA, privateB], Options: { SecurityGroupReferencingSupport: 'enable', DnsSupport: 'enable' },
  })).TransitGatewayVpcAttachment.TransitGatewayAttachmentId;
  for (const id of [tables.privateA, tables.privateB]) {
    await send('ec2', 'CreateRoute', { RouteTableId: id, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat });
    await send('ec2', 'CreateRoute', { RouteTableId: id, DestinationCidrBlock: '10.20.0.0/16', VpcPeeringConnectionId: peering });
    await send('ec2', 'CreateRoute', { RouteTableId: id, DestinationCidrBlock: '172.31.0.0/16', TransitGatewayId: tgw });
  }
  const group = async (name: string) => (await send('ec2', 'CreateSecurityGroup', { GroupName: name, Description: name, VpcId: vpcId })).GroupId as string;
  const controlPlane = await group('control-plane');
  const bastionGroup = await group('bastion');
  const resolverGroup = await group('resolver');
  await send('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: controlPlane, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: bastionGroup }] }] });
  await send('ec2', 'RevokeSecurityGroupEgress', { GroupId: bastionGroup, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
  await send('ec2', 'AuthorizeSecurityGroupEgress', { GroupId: bastionGroup, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.10.0.0/16' }] }] });
  await send('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: resolverGroup, IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.20.0.0/16' }] }] });
  const endpoint = async (direction: string, ips: Array<Record<string, string>>) => (await send('route53resolver', 'CreateResolverEndpoint', {
    // named: moto 5.2 sorts the endpoints by name and fails (HTTP 500) on two without one
    CreatorRequestId: `${direction}-${vpcId}`, Name: `${direction.toLowerCase()}-${clusterName}`, Direction: direction, SecurityGroupIds: [resolverGroup], IpAddresses: ips,
  })).ResolverEndpoint.Id as string;
  const inbound = await endpoint('INBOUND', [{ SubnetId: privateA, Ip: '10.10.1.10' }, { SubnetId: privateB, Ip: '10.10.2.10' }]);
  const outbound = await endpoint('OUTBOUND', [{ SubnetId: privateA }, { SubnetId: privateB }]);
  const rule = (await send('route53resolver', 'CreateResolverRule', {
    CreatorRequestId: `rule-${vpcId}`, RuleType: 'FORWARD', DomainName: 'corp.example.com', TargetIps: [{ Ip: '10.20.0.2', Port: 53 }], ResolverEndpointId: outbound,
  })).ResolverRule.Id;
  const association = (await send('route53resolver', 'AssociateResolverRule', { ResolverRuleId: rule, VPCId: vpcId })).ResolverRuleAssociation.Id;
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const role = (await send('iam', 'CreateRole', { RoleName: `${clusterName}-bastion`, AssumeRolePolicyDocument: trust })).Role;
  const profile = (await send('iam', 'CreateInstanceProfile', { InstanceProfileName: `${clusterName}-bastion` })).InstanceProfile;
  await send('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: `${clusterName}-bastion`, RoleName: role.RoleName });
  await send('eks', 'CreateCluster', {
    name: clusterName, roleArn: 'arn:aws:iam::123456789012:role/eks',
    resourcesVpcConfig: { subnetIds: [privateA, privateB], securityGroupIds: [controlPlane], endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: [`${address.PublicIp}/32`] },
    logging: { clusterLogging: [{ types: ['api', 'audit'], enabled: true }] },
  });
  await send('eks', 'CreateNodegroup', { clusterName, nodegroupName: 'nodes', nodeRole: 'arn:aws:iam::123456789012:role/node', subnets: [privateA, privateB] });
  await send('eks', 'CreateFargateProfile', {
    clusterName, fargateProfileName: 'system', podExecutionRoleArn: 'arn:aws:iam::123456789012:role/pods', subnets: [privateA], selectors: [{ namespace: 'kube-system', labels: { app: 'dns' } }],
  });
  const bastionId = (await send('ec2', 'RunInstances', {
    ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', SubnetId: privateA, SecurityGroupIds: [bastionGroup],
    IamInstanceProfile: { Arn: profile.Arn }, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'bastion' }] }],
  })).Instances[0].InstanceId;
  const nodeInstanceId = (await send('ec2', 'RunInstances', {
    ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', SubnetId: privateB,
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'eks:nodegroup-name', Value: 'nodes' }] }],
  })).Instances[0].InstanceId;
  return {
    nodeInstanceId, vpcId, peerVpcId, secondaryCidr, subnets: { public: publicSubnet, privateA, privateB, extra }, tables: { ...tables, main }, igw, nat,
    eip: { allocationId: address.AllocationId, publicIp: address.PublicIp }, vgw, peering, tgw, tgwAttachment,
    resolver: { inbound, outbound, rule, association }, groups: { controlPlane, bastion: bastionGroup, resolver: resolverGroup }, clusterName, bastionId,
  };
}
