import { check, checkNamed, clusterResources, error, importValue, isolated, isolatedNodegroup, kinds, levels, LooseTemplate, networkResources, NODE_SERVICES, NODE_SUBNETS, notVerifiable, of, PRIVATE, ref, sub, subEndpoints, withEndpoints } from '../../../support/templates';

/**
 * Templates read together and expanded (engine/template): Fn::ForEach (AWS::LanguageExtensions) and
 * Fn::ImportValue across two templates, through the rules.
 */

// Found running the check on public templates and CDK apps (aws-samples, aws-cloudformation-templates, eksctl, the aws-eks-v2 APIs).
describe('Fn::ForEach (AWS::LanguageExtensions)', () => {
  const loop = (collection: unknown) => ({
    'Fn::ForEach::Endpoints': ['Service', collection, {
      'Ep&{Service}': {
        Type: 'AWS::EC2::VPCEndpoint',
        Properties: {
          VpcId: ref('Vpc'), ServiceName: sub('com.amazonaws.${AWS::Region}.${Service}'), VpcEndpointType: 'Interface',
          PrivateDnsEnabled: true, SecurityGroupIds: [ref('EndpointSg')],
        },
      },
    }],
  });
  const { EndpointSg, S3 } = subEndpoints([]);

  test('passes endpoints made by a loop over a literal list: the loop is expanded', () => {
    expect(levels(checkNamed('t', isolated({ EndpointSg, S3, ...isolatedNodegroup(), ...loop(NODE_SERVICES) })))).toEqual([]);
  });

  test('fails when the literal list leaves a service out', () => {
    const findings = checkNamed('t', isolated({ EndpointSg, S3, ...isolatedNodegroup(), ...loop(['ec2', 'ecr.api', 'ecr.dkr']) }));
    expect(levels(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/no usable VPC endpoint for: sts\./);
  });

  test('warns, and does not fail, when the loop runs over a list known only at deploy time', () => {
    const template = isolated({ EndpointSg, S3, ...isolatedNodegroup(), ...loop(ref('Services')) });
    template.Parameters = { Services: { Type: 'CommaDelimitedList' } };
    const findings = checkNamed('t', template);
    expect(levels(findings)).toEqual(['warning (not verifiable) IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/Fn::ForEach over a list known only at deploy time/);
  });
});

describe('Fn::ImportValue across two templates', () => {
  // A: the isolated network, exporting its subnet IDs; B: the cluster and node group, importing them
  const networkTemplate: LooseTemplate = {
    Resources: networkResources('isolated'),
    Outputs: Object.fromEntries(NODE_SUBNETS.map((s) => [s, { Value: ref(s), Export: { Name: `net-${s}` } }])),
  };
  const clusterTemplate: LooseTemplate = {
    Resources: clusterResources({ ...PRIVATE, subnets: NODE_SUBNETS.map((s) => importValue(`net-${s}`)) }),
  };

  test('passes the two templates together when the network has the endpoints', () => {
    const a = withEndpoints({ ...networkTemplate, Resources: { ...networkTemplate.Resources } });
    expect(check([{ id: 'Network', template: a }, { id: 'Cluster', template: clusterTemplate }])).toEqual([]);
  });

  test('fails the two templates together: the imports resolve to isolated subnets without endpoints', () => {
    const findings = check([{ id: 'Network', template: networkTemplate }, { id: 'Cluster', template: clusterTemplate }]);
    expect(findings.map(({ ruleId, level, verified, templateId }) => ({ ruleId, level, verified, templateId })))
      .toEqual([{ ...error('IsolatedNodeEndpoints'), templateId: 'Cluster' }]);
    expect(findings[0].message).toContain('Network/PrivateSubnet1, Network/PrivateSubnet2 have no internet egress');
  });

  test('warns only, given the cluster template alone', () => {
    const findings = check([{ id: 'Cluster', template: clusterTemplate }]);
    expect(kinds(findings)).toEqual([
      notVerifiable('VpcDnsSupport'), notVerifiable('VpcDnsHostnames'), notVerifiable('DhcpOptionsDns'), notVerifiable('IsolatedNodeEndpoints'),
    ]);
    expect(of(findings, 'IsolatedNodeEndpoints')[0].message).toMatch(/the export net-PrivateSubnet1, from a stack not given/);
  });
});
