import { att, condition, fuzz, Json, messages, network, param, PUBLIC_AND_PRIVATE, ref, run, subnet, Template, verdicts } from '../support/templates';

/**
 * ConnectedClientResolution on hand-written templates: which FORWARD rules carry the endpoint's
 * name to the inbound Resolver endpoint in the cluster VPC. EndpointCluster writes the rule's
 * DomainName as the host of the cluster's `Endpoint` attribute (`https://<host>`), so the check
 * reads `Fn::Select [2, Fn::Split ["/", Fn::GetAtt Cluster.Endpoint]]` as this cluster's host.
 */

const ID = 'ConnectedClientResolution';
const HOST = { 'Fn::Select': [2, { 'Fn::Split': ['/', att('Cluster', 'Endpoint')] }] };

/**
 * Public & Private, the cluster VPC peered with ClientVpc (10.1.0.0/16), an inbound endpoint in the
 * private subnets at 10.0.1.10 and 10.0.2.10, an outbound one beside it, and `Forward`, a FORWARD
 * rule for `domain` to `targets`, associated with ClientVpc.
 */
function forwarding(domain: Json, targets: Json = [{ Ip: '10.0.1.10', Port: '53' }], inboundIps: Json[] = ['10.0.1.10', '10.0.2.10']): Template {
  const t = network({ mode: PUBLIC_AND_PRIVATE, cidrs: ['203.0.113.0/24'] });
  t.Resources.ClientVpc = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } };
  subnet(t, 'ClientSubnet', '10.1.1.0/24', 'ClientVpc');
  t.Resources.Peering = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: ref('Vpc'), PeerVpcId: ref('ClientVpc') } };
  const endpoint = (direction: string, ips: Json[]) => ({
    Type: 'AWS::Route53Resolver::ResolverEndpoint',
    Properties: {
      Direction: direction, SecurityGroupIds: ['sg-0123456789abcdef0'],
      IpAddresses: ['PrivateSubnet1', 'PrivateSubnet2'].map((s, i) => ({ SubnetId: ref(s), ...(ips[i] !== undefined ? { Ip: ips[i] } : {}) })),
    },
  });
  t.Resources.Inbound = endpoint('INBOUND', inboundIps);
  t.Resources.Outbound = endpoint('OUTBOUND', []);
  t.Resources.Forward = {
    Type: 'AWS::Route53Resolver::ResolverRule',
    Properties: { RuleType: 'FORWARD', DomainName: domain, ResolverEndpointId: att('Outbound', 'ResolverEndpointId'), TargetIps: targets },
  };
  t.Resources.ForwardClients = {
    Type: 'AWS::Route53Resolver::ResolverRuleAssociation',
    Properties: { ResolverRuleId: att('Forward', 'ResolverRuleId'), VPCId: ref('ClientVpc') },
  };
  return t;
}

/**
 * Moves resources into a template of their own: their references to the rest become
 * `Fn::ImportValue` of exports the first template makes, as a CDK app split in two stacks has it.
 */
function split(t: Template, ids: string[]): Template {
  const moved: Template = { Parameters: {}, Conditions: {}, Resources: {}, Outputs: {} };
  for (const id of ids) {
    const text = JSON.stringify(t.Resources[id])
      .replace(/\{"Ref":"(\w+)"\}/g, (m, target) => (ids.includes(target) ? m : `{"Fn::ImportValue":"${target}"}`))
      .replace(/\{"Fn::GetAtt":\["(\w+)","(\w+)"\]\}/g, (m, target, attribute) => (ids.includes(target) ? m : `{"Fn::ImportValue":"${target}.${attribute}"}`));
    for (const [, name] of text.matchAll(/"Fn::ImportValue":"([\w.]+)"/g)) {
      const [target, attribute] = name.split('.');
      t.Outputs[name.replace('.', '')] = { Value: attribute ? att(target, attribute) : ref(target), Export: { Name: name } };
    }
    moved.Resources[id] = JSON.parse(text);
    delete t.Resources[id];
  }
  return moved;
}

function findings(t: Template | Parameters<typeof run>[0]): string[] {
  return verdicts(run(t as Template, [ID]));
}

const noRule = /^Stack\/Vpc has an inbound Resolver endpoint, but no FORWARD rule for the endpoint's name is associated with Stack\/ClientVpc/;

describe('ConnectedClientResolution: the FORWARD rule\'s domain', () => {
  test.each([
    ['the endpoint\'s host: item 2 of a split on "/"', HOST],
    ['the endpoint\'s host: item 1 of a split on "//"', { 'Fn::Select': [1, { 'Fn::Split': ['//', att('Cluster', 'Endpoint')] }] }],
    ['the endpoint\'s host with a trailing dot', { 'Fn::Join': ['', [HOST, '.']] }],
    ['<region>.eks.amazonaws.com built with Fn::Sub', { 'Fn::Sub': '${AWS::Region}.eks.amazonaws.com' }],
    ['eks.amazonaws.com', 'eks.amazonaws.com'],
  ])('passes %s', (_, domain) => {
    expect(findings(forwarding(domain))).toEqual([]);
  });

  test('passes the rule in the cluster\'s stack, whose VPCs come from the network stack through Fn::ImportValue', () => {
    const t = forwarding(HOST);
    const platform = split(t, ['Cluster', 'Forward', 'ForwardClients']);
    expect(JSON.stringify(platform.Resources.ForwardClients)).toContain('"Fn::ImportValue":"ClientVpc"');
    expect(verdicts(run([{ id: 'Network', template: t }, { id: 'Platform', template: platform }], [ID]))).toEqual([]);
    // and not for want of reading it: without the association, the client VPC gets the public answers
    delete platform.Resources.ForwardClients;
    expect(messages(run([{ id: 'Network', template: t }, { id: 'Platform', template: platform }], [ID]), ID))
      .toEqual([expect.stringMatching(/^Network\/Vpc has an inbound Resolver endpoint, but no FORWARD rule for the endpoint's name is associated with Network\/ClientVpc/)]);
  });

  test('warns for another cluster\'s host, and for another attribute of this cluster', () => {
    const other = forwarding({ 'Fn::Select': [2, { 'Fn::Split': ['/', att('OtherCluster', 'Endpoint')] }] });
    other.Resources.OtherCluster = { Type: 'AWS::EKS::Cluster', Properties: { ...other.Resources.Cluster.Properties, ResourcesVpcConfig: { SubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'] } } };
    expect(messages(run(other, [ID]), ID).filter((m) => noRule.test(m))).toHaveLength(1);

    const arn = forwarding({ 'Fn::Select': [1, { 'Fn::Split': ['/', att('Cluster', 'Arn')] }] });
    expect(messages(run(arn, [ID]), ID)).toEqual([expect.stringMatching(noRule)]);
  });

  test('warns for a domain that is not the endpoint\'s (a lookalike, another zone)', () => {
    expect(messages(run(forwarding('eks.amazonaws.com.corp.example'), [ID]), ID)).toEqual([expect.stringMatching(noRule)]);
    expect(messages(run(forwarding({ 'Fn::Sub': '${AWS::Region}.corp.example' }), [ID]), ID)).toEqual([expect.stringMatching(noRule)]);
    // a rule for another name is no rule for the endpoint's, whatever it targets
    expect(messages(run(forwarding('eks.amazonaws.com.corp.example', [{ Ip: '10.1.1.53' }]), [ID]), ID)).toEqual([expect.stringMatching(noRule)]);
    // the endpoint's host as the first label of a name in another zone
    expect(messages(run(forwarding({ 'Fn::Join': ['', [HOST, '.', 'corp.example']] }), [ID]), ID)).toEqual([expect.stringMatching(noRule)]);
    // a DomainName that is no name at all
    expect(messages(run(forwarding(42), [ID]), ID)).toEqual([expect.stringMatching(noRule)]);
  });

  test.each([
    ['a parameter', (t: Template) => param(t, 'Domain')],
    ['another item of the endpoint split on "/"', () => ({ 'Fn::Select': [3, { 'Fn::Split': ['/', att('Cluster', 'Endpoint')] }] })],
    ['a name built on a parameter that may end in eks.amazonaws.com', (t: Template) => ({ 'Fn::Join': ['', [param(t, 'Prefix'), '.amazonaws.com']] })],
    ['the same with a trailing dot', (t: Template) => ({ 'Fn::Join': ['', [param(t, 'Prefix'), '.amazonaws.com.']] })],
    ['a name whose last part is a parameter', (t: Template) => ({ 'Fn::Join': ['', ['api.', param(t, 'Zone')]] })],
    ['the endpoint\'s host as the first label of a deploy-time zone', (t: Template) => ({ 'Fn::Join': ['', [HOST, '.', param(t, 'Zone')]] })],
    ['item 1 of the endpoint split on "/" (the empty item after "https:")', () => ({ 'Fn::Select': [1, { 'Fn::Split': ['/', att('Cluster', 'Endpoint')] }] })],
    ['item 0 of the endpoint split on "//"', () => ({ 'Fn::Select': [0, { 'Fn::Split': ['//', att('Cluster', 'Endpoint')] }] })],
    ['item 2 of the endpoint split on "//"', () => ({ 'Fn::Select': [2, { 'Fn::Split': ['//', att('Cluster', 'Endpoint')] }] })],
  ])('says "not verifiable" for a domain that is %s', (_, domain) => {
    const t = forwarding('placeholder');
    t.Resources.Forward.Properties.DomainName = domain(t);
    const reported = run(t, [ID]);
    expect(verdicts(reported)).toEqual([`unverified ${ID}`]);
    expect(reported[0].message).toMatch(/^Not verifiable at synth: the Resolver rule Stack\/Forward is associated with Stack\/ClientVpc, but its DomainName .* is a deploy-time value, or not read as the endpoint's host name here\. Confirm/);
    // and only that doubt: the targets and the rule's existence are known
    expect(reported[0].message).not.toMatch(/TargetIps|its type/);
  });
});

describe('ConnectedClientResolution: the FORWARD rule\'s targets', () => {
  test('passes when one target is one of the inbound endpoint\'s addresses', () => {
    expect(findings(forwarding(HOST, [{ Ip: '10.9.9.9' }, { Ip: '10.0.2.10' }]))).toEqual([]);
  });

  test('warns when no target is an inbound address, naming both lists', () => {
    const reported = run(forwarding(HOST, [{ Ip: '10.1.1.53' }]), [ID]);
    expect(verdicts(reported)).toEqual([`warning ${ID}`]);
    expect(reported[0].message).toMatch(/^the FORWARD rule Stack\/Forward for the endpoint's name is associated with Stack\/ClientVpc, but it forwards to \[10\.1\.1\.53\], none of the addresses of the inbound Resolver endpoint in Stack\/Vpc \(10\.0\.1\.10, 10\.0\.2\.10\)/);
  });

  test.each([
    ['the inbound endpoint has no fixed addresses', forwarding(HOST, undefined, []), 'some chosen by Route 53 at creation'],
    ['one inbound address is chosen by Route 53', forwarding(HOST, [{ Ip: '10.1.1.53' }], ['10.0.1.10']), '10.0.1.10 and some chosen by Route 53 at creation'],
  ])('says "not verifiable" when %s, naming the addresses known', (_, t, inbound) => {
    const reported = run(t, [ID]);
    expect(verdicts(reported)).toEqual([`unverified ${ID}`]);
    expect(reported[0].message).toMatch(/its TargetIps or the inbound endpoint's addresses are not known at synth \(an inbound endpoint without a fixed Ip gets its addresses when it is created; the inbound addresses: (.*)\)\. Confirm/);
    expect(reported[0].message).toContain(`the inbound addresses: ${inbound}). Confirm`);
  });

  test('says "not verifiable" when the targets are a parameter, a list parameter, or one literal target beside a deploy-time one', () => {
    const t = forwarding(HOST);
    t.Resources.Forward.Properties.TargetIps = [{ Ip: param(t, 'Target') }];
    expect(findings(t)).toEqual([`unverified ${ID}`]);

    const list = forwarding(HOST);
    list.Resources.Forward.Properties.TargetIps = param(list, 'Targets', 'CommaDelimitedList');
    expect(messages(run(list, [ID]), ID)).toEqual([expect.stringMatching(/but its TargetIps or the inbound endpoint's addresses are not known at synth .*the inbound addresses: 10\.0\.1\.10, 10\.0\.2\.10\)/)]);

    // the literal target misses, but the other may be an inbound address
    const mixed = forwarding(HOST, [{ Ip: '10.9.9.9' }, { Ip: { Ref: 'Target' } }]);
    mixed.Parameters.Target = { Type: 'String' };
    expect(findings(mixed)).toEqual([`unverified ${ID}`]);
  });
});

describe('ConnectedClientResolution: the association', () => {
  test('says "not verifiable" for an association whose VPC is a parameter, or whose rule is not in the templates (shared through AWS RAM)', () => {
    const byParam = forwarding(HOST);
    byParam.Resources.ForwardClients.Properties.VPCId = param(byParam, 'ClientVpcId');
    expect(findings(byParam)).toEqual([`unverified ${ID}`]);

    const shared = forwarding(HOST);
    shared.Resources.ForwardClients.Properties.ResolverRuleId = 'rslvr-rr-0123456789abcdef0';
    expect(messages(run(shared, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the Resolver rule Stack\/ForwardClients is associated with Stack\/ClientVpc, but the rule is not in the templates given/)]);
  });

  test('says "not verifiable" for a rule, or an association, that exists under a deploy-time condition, and for a rule type that is a deploy-time value', () => {
    const existence = /^Not verifiable at synth: the Resolver rule Stack\/Forward is associated with Stack\/ClientVpc, but its type, or whether it or its association with the client VPC exists, depends on a deploy-time value\. Confirm/;
    const changes: Array<(t: Template) => void> = [
      (t) => (t.Resources.Forward.Condition = condition(t)),
      (t) => (t.Resources.ForwardClients.Condition = condition(t)),
      (t) => (t.Resources.Forward.Properties.RuleType = param(t, 'RuleType')),
    ];
    for (const change of changes) {
      const t = forwarding(HOST);
      change(t);
      expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(existence)]);
    }
  });

  test('warns for a rule that does not forward (a SYSTEM rule for the name): it is no FORWARD rule', () => {
    const t = forwarding(HOST);
    t.Resources.Forward.Properties.RuleType = 'SYSTEM';
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(noRule)]);
  });

  test('warns when the rule is associated with the cluster VPC only', () => {
    const t = forwarding(HOST);
    t.Resources.ForwardClients.Properties.VPCId = ref('Vpc');
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(noRule)]);
  });
});

describe('ConnectedClientPath in Public & Private mode follows the forwarding', () => {
  const PATH = 'ConnectedClientPath';

  test('judges the private path of a client VPC whose rule forwards the name: here, with no route back and no 443 rule', () => {
    expect(verdicts(run(forwarding(HOST), [PATH]))).toEqual([`unverified ${PATH}`, `unverified ${PATH}`, `unverified ${PATH}`]);
  });

  test.each([
    ['a rule that forwards elsewhere', forwarding(HOST, [{ Ip: '10.1.1.53' }])],
    ['a rule for another name', forwarding('corp.example')],
  ])('says nothing of a client VPC with %s: its clients go the public way', (_, t) => {
    expect(run(t, [PATH])).toEqual([]);
  });
});

describe('ConnectedClientResolution on every kind of value where it reads one', () => {
  test('never throws, never stops, never gives an error', () => {
    const paths = ['Forward Properties.DomainName', 'Forward Properties.TargetIps', 'Forward Properties.TargetIps.0', 'Forward Properties.TargetIps.0.Ip',
      'Forward Properties.RuleType', 'Inbound Properties.IpAddresses', 'Inbound Properties.IpAddresses.0', 'Inbound Properties.IpAddresses.0.Ip',
      'ForwardClients Properties.VPCId', 'ForwardClients Properties.ResolverRuleId'];
    expect(fuzz(() => forwarding(HOST), paths)).toEqual([]);
  });
});

test('an inbound endpoint whose IpAddresses is a deploy-time value is still an inbound endpoint: not verifiable, not "add one"', () => {
  const t = forwarding(HOST, [{ Ip: '10.1.1.53' }]);
  (t.Resources as any).Inbound.Properties.IpAddresses = {
    'Fn::If': [condition(t), [{ SubnetId: ref('PrivateSubnet1'), Ip: '10.0.1.10' }], [{ SubnetId: ref('PrivateSubnet2'), Ip: '10.0.2.10' }]],
  };
  expect(verdicts(run(t, [ID]))).toEqual([`unverified ${ID}`]);
});
