import { att, condition, hybrid, HYBRID_RULES, hybridFindings, Json, messages, network, NODES, param, PODS, PRIVATE, PUBLIC, PUBLIC_AND_PRIVATE, ref, run, TCP_443, Template, verdicts } from '../../support/templates';

/**
 * HybridNodeSecurityGroup (rules/hybrid-node-security-group.ts): TCP 443 from the remote networks
 * into the cluster's security groups.
 */

describe('HybridNodeSecurityGroup', () => {
  const ID = 'HybridNodeSecurityGroup';

  test('passes TCP 443 from the node and pod networks', () => {
    expect(hybridFindings(hybrid(), ID)).toEqual([]);
  });

  test('warns about a remote network with no TCP 443 rule, naming the rule to add', () => {
    const t = hybrid();
    t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ ...TCP_443, CidrIp: NODES }, { IpProtocol: 'tcp', FromPort: 10250, ToPort: 10250, CidrIp: PODS }];
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`warning ${ID}`]);
    expect(findings[0].message).toMatch(/^no rule of the cluster's security groups allows TCP 443 from the remote pod network 172\.16\.0\.0\/16: pods on hybrid nodes whose CNI does not masquerade/);
    expect(findings[0].message).toMatch(/addIngressRule\(ec2\.Peer\.ipv4\('172\.16\.0\.0\/16'\), ec2\.Port\.tcp\(443\)\)/);
  });

  test('passes a 443 rule into the cluster security group from a wider block; not verifiable from a prefix list', () => {
    const wide = hybrid();
    wide.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [];
    wide.Resources.Pods = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: att('Cluster', 'ClusterSecurityGroupId'), ...TCP_443, CidrIp: '172.16.0.0/12' } };
    wide.Resources.Nodes = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: att('Cluster', 'ClusterSecurityGroupId'), IpProtocol: '-1', CidrIp: '192.168.0.0/16' } };
    expect(hybridFindings(wide, ID)).toEqual([]);

    const prefixList = hybrid({ pods: [] });
    prefixList.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ ...TCP_443, SourcePrefixListId: 'pl-0123456789abcdef0' }];
    expect(hybridFindings(prefixList, ID)).toEqual([`unverified ${ID}`]);
  });

  test('warns about a missing 443 rule even where the routes are missing too: a rule apart from HybridNodePath, acknowledged apart', () => {
    // GIVEN no routes to on-premises and no 443 rule from the node network
    const t = hybrid({ pods: [] });
    Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
    t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [];
    // THEN one warning from each rule, each with its own ID
    expect(verdicts(run(t, HYBRID_RULES))).toEqual(['warning HybridNodePath', `warning ${ID}`]);
  });

  test('says "not verifiable" for a remote network that is a deploy-time value, and nothing without remote networks', () => {
    const t = hybrid({ pods: [] });
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemoteNodeNetworks[0].Cidrs = [param(t, 'OnPremises')];
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: some remote networks are deploy-time values .*Confirm the cluster security group allows TCP 443 from them/)]);
    expect(run(network(), [ID])).toEqual([]);
  });

  test('says who calls from a node network by mode: kubelet and kube-proxy too only in Private mode', () => {
    const nodeMessage = (mode: Record<string, Json>) => {
      const t = hybrid({ mode, pods: [] });
      t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [];
      return messages(run(t, [ID]), ID)[0];
    };
    expect(nodeMessage(PRIVATE)).toMatch(/from the remote node network 192\.168\.0\.0\/16: kubelet and kube-proxy on the hybrid nodes, and pods that leave with their node's address .* at the EKS-owned ENIs in the cluster subnets\. Add an ingress rule for TCP 443 from 192\.168\.0\.0\/16 to the cluster security group /);
    for (const mode of [PUBLIC, PUBLIC_AND_PRIVATE]) {
      expect(nodeMessage(mode)).toMatch(/from the remote node network 192\.168\.0\.0\/16: pods that leave with their node's address .* in the cluster subnets through the kubernetes service, in every endpoint mode\. Add an ingress rule/);
    }
  });

  test('names the pods\' way in every endpoint mode', () => {
    const t = hybrid({ nodes: [NODES], pods: [PODS] });
    t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ ...TCP_443, CidrIp: NODES }];
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(/reach the API server through the kubernetes service, whose endpoints are the EKS-owned ENIs in the cluster subnets, in every endpoint mode\. Add an ingress rule for TCP 443 from 172\.16\.0\.0\/16 to the cluster security group/)]);
  });

  test('says "not verifiable", with what cannot be read, for an imported control-plane group, a conditional rule, a deploy-time port and a prefix list', () => {
    const unreadable = /^Not verifiable at synth: the rules of the cluster's security groups that could allow TCP 443 from the remote node network 192\.168\.0\.0\/16 are not all readable here \(an imported group, a prefix list, a deploy-time value or condition\)\. Confirm TCP 443 is allowed from it\.$/;
    const cases: Array<(t: Template) => void> = [
      (t) => (t.Resources.Cluster.Properties.ResourcesVpcConfig.SecurityGroupIds = ['sg-0123456789abcdef0']),
      (t) => (t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ 'Fn::If': [condition(t), { ...TCP_443, CidrIp: NODES }, ref('AWS::NoValue')] }]),
      (t) => (t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: param(t, 'From', 'Number'), ToPort: param(t, 'To', 'Number'), CidrIp: NODES }]),
      (t) => (t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ ...TCP_443, SourcePrefixListId: 'pl-0123456789abcdef0' }]),
    ];
    for (const change of cases) {
      const t = hybrid({ pods: [] });
      change(t);
      expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(unreadable)]);
    }
  });

  test('warns for 443 from a security group or from the VPC\'s own block: neither holds a remote network', () => {
    for (const source of [{ SourceSecurityGroupId: 'sg-0fedcba9876543210' }, { CidrIp: att('Vpc', 'CidrBlock') }]) {
      const t = hybrid({ pods: [] });
      t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ ...TCP_443, ...source }];
      expect(hybridFindings(t, ID)).toEqual([`warning ${ID}`]);
    }
  });
});
