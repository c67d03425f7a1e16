import { att, check, checkNamed, endpointSecurityGroup, error, isolated, isolatedNodegroup, Json, kinds, levels, LooseTemplate, NODE_ENDPOINTS, nodeNetwork, notVerifiable, of, PRIVATE, ref, s3Gateway, serviceEndpoint, subEndpoints, VPC_CIDR, withEndpoints } from '../../../support/templates';

/**
 * VPC endpoints (engine/model, shared/endpoint-services): which endpoints the model counts, their
 * service names, their security groups and conditions.
 */

describe('endpoint service names built with Fn::Sub and Fn::Join are recognised', () => {
  /** The five node endpoints with names built at deploy time, as templates and CDK write them. */
  function builtNames(t: LooseTemplate, source: Record<string, Json>, skip?: string): LooseTemplate {
    const sub = (service: string): Json => ({ 'Fn::Sub': `com.amazonaws.\${AWS::Region}.${service}` });
    const join = (service: string): Json => ({ 'Fn::Join': ['', ['com.amazonaws.', ref('AWS::Region'), `.${service}`]] });
    t.Resources.EndpointSg = endpointSecurityGroup(source);
    const endpoints: Record<string, Json> = {
      EndpointEc2: serviceEndpoint('ec2', { serviceName: sub('ec2') }),
      EndpointEcrApi: serviceEndpoint('ecr.api', { serviceName: sub('ecr.api') }),
      EndpointEcrDkr: serviceEndpoint('ecr.dkr', { serviceName: join('ecr.dkr') }),
      EndpointSts: serviceEndpoint('sts', { serviceName: join('sts') }),
      EndpointS3: { ...s3Gateway(), Properties: { ...s3Gateway().Properties, ServiceName: sub('s3') } },
    };
    for (const [id, endpoint] of Object.entries(endpoints)) {
      if (id !== skip) t.Resources[id] = endpoint;
    }
    return t;
  }

  test.each([
    ['tcp 443 from 10.0.0.0/16', { CidrIp: VPC_CIDR }],
    ['tcp 443 from Fn::GetAtt Vpc.CidrBlock', { CidrIp: att('Vpc', 'CidrBlock') }],
  ])('passes isolated nodes with all five endpoints, their group allowing %s', (_, source) => {
    const findings = check(builtNames(nodeNetwork({ ...PRIVATE, egress: 'isolated' }), source));
    expect(of(findings, 'IsolatedNodeEndpoints')).toEqual([]);
    expect(findings).toEqual([]);
  });

  test.each([
    ['EndpointEcrApi', 'ecr.api'],
    ['EndpointEcrDkr', 'ecr.dkr'],
    ['EndpointS3', 's3'],
  ])('fails when %s is missing, naming %s', (skip, service) => {
    const findings = check(builtNames(nodeNetwork({ ...PRIVATE, egress: 'isolated' }), { CidrIp: VPC_CIDR }, skip));
    expect(kinds(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toContain(`has no usable VPC endpoint for: ${service}.`);
  });
});

describe('the interface endpoints\' security group', () => {
  test('passes when it admits the cluster security group (which managed nodes carry)', () => {
    const t = withEndpoints(nodeNetwork({ ...PRIVATE, egress: 'isolated' }), NODE_ENDPOINTS,
      { SourceSecurityGroupId: att('Cluster', 'ClusterSecurityGroupId') });
    expect(check(t)).toEqual([]);
  });

  test('fails when it admits nothing from the nodes (ingress only from 192.168.0.0/16)', () => {
    const t = withEndpoints(nodeNetwork({ ...PRIVATE, egress: 'isolated' }), NODE_ENDPOINTS, { CidrIp: '192.168.0.0/16' });
    const findings = check(t);
    expect(kinds(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    // s3 is a gateway endpoint: security groups do not apply to it
    expect(findings[0].message).toContain('has no usable VPC endpoint for: ec2, ecr.api, ecr.dkr, sts.');
  });

  test('warns not verifiable when an interface endpoint has no SecurityGroupIds (the VPC default group)', () => {
    const t = withEndpoints(nodeNetwork({ ...PRIVATE, egress: 'isolated' }));
    t.Resources.EndpointEcrApi = serviceEndpoint('ecr.api', { securityGroupIds: null });
    const findings = check(t);
    expect(kinds(findings)).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/VPC endpoints for ecr\.api exist only under a deploy-time condition or have security groups not readable here/);
  });
});

describe('a VPC endpoint under a resource-level Condition on a parameter', () => {
  function conditional(condition: Json): LooseTemplate {
    const t = withEndpoints(nodeNetwork({ ...PRIVATE, egress: 'isolated' }));
    t.Parameters = { WithSts: { Type: 'String', Default: 'yes' } };
    t.Conditions = { CreateSts: condition };
    t.Resources.EndpointSts.Condition = 'CreateSts';
    return t;
  }

  test('passes when the condition is known true at synth', () => {
    expect(check(conditional({ 'Fn::Equals': ['yes', 'yes'] }))).toEqual([]);
  });

  test('warns not verifiable (not a pass, not an error) when the condition depends on a parameter', () => {
    const findings = check(conditional({ 'Fn::Equals': [ref('WithSts'), 'yes'] }));
    expect(kinds(findings)).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/VPC endpoints for sts exist only under a deploy-time condition/);
  });

  test('fails when the condition is known false at synth (the endpoint is not created)', () => {
    const findings = check(conditional({ 'Fn::Equals': ['yes', 'no'] }));
    expect(kinds(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toContain('has no usable VPC endpoint for: sts.');
  });
});

// Found running the check on public templates and CDK apps (aws-samples, aws-cloudformation-templates, eksctl, the aws-eks-v2 APIs).
describe('endpoint service names that end in a literal', () => {
  test('fails a missing ec2 endpoint beside an unrelated secretsmanager one written with Fn::Sub', () => {
    const extra = { ...isolatedNodegroup(), ...subEndpoints(['ecr.api', 'ecr.dkr', 'sts', 'secretsmanager']) };
    const findings = checkNamed('t', isolated(extra));
    expect(levels(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/no usable VPC endpoint for: ec2\./);
  });

  test('warns for an endpoint whose service is a parameter: it may be the missing one', () => {
    const extra: Record<string, any> = { ...isolatedNodegroup(), ...subEndpoints(['ecr.api', 'ecr.dkr', 'sts']) };
    extra.EpAny = { Type: 'AWS::EC2::VPCEndpoint', Properties: { ...extra.Epsts.Properties, ServiceName: ref('Service') } };
    const template = isolated(extra);
    template.Parameters = { Service: { Type: 'String' } };
    expect(levels(checkNamed('t', template))).toEqual(['warning (not verifiable) IsolatedNodeEndpoints']);
  });
});
