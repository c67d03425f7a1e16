import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { byRule, hybridEksApp } from '../../support/apps';
import { hybrid, hybridFindings, messages, network, NODES, param, PRIVATE, PUBLIC, PUBLIC_AND_PRIVATE, run, verdicts } from '../../support/templates';

/**
 * HybridNodeEndpointMode (rules/hybrid-node-endpoint-mode.ts): the endpoint mode hybrid nodes can
 * reach.
 */

describe('HybridNodeEndpointMode', () => {
  const ID = 'HybridNodeEndpointMode';

  test.each([
    ['Private', PRIVATE, undefined],
    ['Public, open', PUBLIC, undefined],
  ])('says nothing in %s mode', (_, mode, cidrs) => {
    expect(hybridFindings(hybrid({ mode, cidrs }), ID)).toEqual([]);
  });

  test('warns in Public & Private mode, naming EndpointMode.PRIVATE and PUBLIC with the on-premises addresses', () => {
    const findings = run(hybrid({ mode: PUBLIC_AND_PRIVATE, cidrs: ['203.0.113.0/24'] }), [ID]);
    expect(verdicts(findings)).toEqual([`warning ${ID}`]);
    expect(findings[0].message).toMatch(/^the hybrid nodes \(192\.168\.0\.0\/16\) are outside the VPC, .*in Public & Private mode they resolve the endpoint to its public addresses/);
    expect(findings[0].message).toMatch(/Use EndpointMode\.PRIVATE .*or EndpointMode\.PUBLIC with the on-premises egress addresses in publicAccessCidrs/);
  });

  test('says "not verifiable" for Public with an allow-list: whether it holds the on-premises egress addresses cannot be known', () => {
    const findings = run(hybrid({ mode: PUBLIC, cidrs: ['203.0.113.0/24'] }), [ID]);
    expect(verdicts(findings)).toEqual([`unverified ${ID}`]);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the public endpoint is limited to 203\.0\.113\.0\/24, and the hybrid nodes \(192\.168\.0\.0\/16\) reach it from their on-premises internet egress addresses/);
  });

  test('says "not verifiable" when the endpoint flags are deploy-time values, saying what is unknown', () => {
    const t = hybrid();
    t.Resources.Cluster.Properties.ResourcesVpcConfig.EndpointPublicAccess = param(t, 'PublicAccess');
    expect(hybridFindings(t, ID)).toEqual([`unverified ${ID}`]);
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(
      /^Not verifiable at synth: the endpoint access flags are deploy-time values\. If both are on: the hybrid nodes \(192\.168\.0\.0\/16\) are outside the VPC/)]);
  });

  test('says nothing without hybrid nodes in Public & Private mode', () => {
    expect(hybridFindings(network({ mode: PUBLIC_AND_PRIVATE }), ID)).toEqual([]);
  });

  test('names every node network, and ends with the way through DNS forwarding', () => {
    const findings = run(hybrid({ mode: PUBLIC_AND_PRIVATE, nodes: [NODES, '10.80.0.0/16'] }), [ID]);
    expect(verdicts(findings)).toEqual([`warning ${ID}`]);
    expect(findings[0].message).toMatch(/^the hybrid nodes \(192\.168\.0\.0\/16, 10\.80\.0\.0\/16\) are outside the VPC/);
    expect(findings[0].message).toMatch(/or have your on-premises DNS forward the endpoint's host name to a Route 53 Resolver inbound endpoint in the cluster VPC\.$/);
  });

  test('says "not verifiable", never a verified warning, when the remote node networks are a deploy-time value', () => {
    // GIVEN Public & Private mode and node networks from a parameter list
    const t = hybrid({ mode: PUBLIC_AND_PRIVATE, pods: [] });
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemoteNodeNetworks[0].Cidrs = param(t, 'NodeCidrs', 'CommaDelimitedList');
    const findings = run(t, [ID]);
    // THEN the problem is put as a condition on there being hybrid nodes
    expect(verdicts(findings)).toEqual([`unverified ${ID}`]);
    expect(findings[0].message).toMatch(
      /^Not verifiable at synth: the remote node networks are a deploy-time value \(parameter NodeCidrs \(CommaDelimitedList\)\)\. If there are hybrid nodes: hybrid nodes are outside the VPC/);
  });

  test('in Public mode, names each allowed block, or a deploy-time allow-list, and what happens when the nodes\' addresses are not in it', () => {
    const listed = run(hybrid({ mode: PUBLIC, cidrs: ['203.0.113.0/24', '198.51.100.0/24'] }), [ID]);
    expect(listed[0].message).toMatch(/^Not verifiable at synth: the public endpoint is limited to 203\.0\.113\.0\/24, 198\.51\.100\.0\/24, .*Confirm those addresses are in publicAccessCidrs, or the nodes never join\.$/);

    const t = hybrid({ mode: PUBLIC });
    t.Resources.Cluster.Properties.ResourcesVpcConfig.PublicAccessCidrs = param(t, 'Allowed', 'CommaDelimitedList');
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the public endpoint is limited to a deploy-time value, and the hybrid nodes/)]);
  });
});

describe('hybrid nodes on aws-eks-v2 clusters, through the Aspect', () => {
  test('Public & Private: HybridNodeEndpointMode warns on the cluster', () => {
    const reported = byRule(hybridEksApp(eks.EndpointAccess.PUBLIC_AND_PRIVATE, true), 'HybridNodeEndpointMode');
    expect(reported).toEqual([expect.objectContaining({ level: 'warning', path: '/Hybrid/Cluster/Resource' })]);
  });
});
