import { ASPECT_RULES } from '../../../../lib/check/adapters/rule-sets';
import { ReportedFinding } from '../../../../lib/check/engine/finding';
import { att, base, check, checkNamed, condition, error, isolated, Json, kinds, levels, LooseTemplate, NODE_ENDPOINTS, NODE_SERVICES, NODE_SUBNETS, nodegroup, nodeNetwork, notVerifiable, param, PRIVATE, ref, sub, subEndpoints, Template, verdicts, withEndpoints } from '../../../support/templates';

/**
 * Compute (engine/model: compute): node groups, self-managed nodes, Fargate profiles and Auto Mode,
 * and which cluster they belong to.
 */

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
// namesCluster and ofCluster (network-model.ts): which node groups belong to which cluster
describe('node groups, Auto Mode and the cluster they belong to', () => {
  const where = (findings: ReportedFinding[]) => findings.map((f) => `${f.logicalId}: ${verdicts([f])[0]}`);
  /** An isolated network without endpoints, and a second cluster `ClusterB` in the same subnets. */
  function twoClusters(): Template {
    const t = base({ egress: 'isolated' });
    t.Resources.ClusterB = JSON.parse(JSON.stringify(t.Resources.Cluster));
    return t;
  }
  const noEndpoints = /^the nodes of Stack\/Nodes in Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 have no internet egress and Stack\/Vpc has no usable VPC endpoint/;
  const maybeTheirs = /^Not verifiable at synth: it is not known at synth whether the nodes of Stack\/Nodes belong to this cluster\. If they do: /;

  test('judges a node group only on the cluster it refers to, when neither cluster has a Name', () => {
    const t = twoClusters();
    nodegroup(t, undefined, { ClusterName: ref('ClusterB') });
    const findings = check(t);
    expect(where(findings)).toEqual(['ClusterB: error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(noEndpoints);
  });

  test('fails nodes named by the same parameter as the cluster\'s Name: the same name, whatever it is', () => {
    const t = base({ egress: 'isolated' });
    t.Resources.Cluster.Properties.Name = param(t, 'ClusterName');
    nodegroup(t, undefined, { ClusterName: ref('ClusterName') });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(noEndpoints);
  });

  test('judges nodes named by parameter A only on the cluster named by A, not on the one named by parameter B', () => {
    const t = twoClusters();
    t.Resources.Cluster.Properties.Name = param(t, 'NameA');
    t.Resources.ClusterB.Properties.Name = param(t, 'NameB');
    nodegroup(t, undefined, { ClusterName: ref('NameA') });
    expect(where(check(t))).toEqual(['Cluster: error IsolatedNodeEndpoints']);
  });

  test('warns, not fails, when the cluster\'s Name and the node group\'s ClusterName are two different imports', () => {
    const t = base({ egress: 'isolated' });
    t.Resources.Cluster.Properties.Name = { 'Fn::ImportValue': 'cluster-name' };
    nodegroup(t, undefined, { ClusterName: { 'Fn::ImportValue': 'other-cluster-name' } });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(maybeTheirs);
  });

  test('warns, not fails, when the only cluster\'s node group names it by a parameter', () => {
    const t = base({ egress: 'isolated' });
    nodegroup(t, undefined, { ClusterName: param(t, 'Name') });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(maybeTheirs);
  });

  test('warns, not fails, for a node group that exists only under a parameter condition', () => {
    const t = base({ egress: 'isolated' });
    nodegroup(t);
    t.Resources.Nodes.Condition = condition(t);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(maybeTheirs);
  });

  test('warns, not fails, for Auto Mode whose Enabled is a parameter', () => {
    const t = base({ egress: 'isolated' });
    t.Resources.Cluster.Properties.ComputeConfig = { Enabled: param(t, 'AutoMode') };
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints', 'unverified IsolatedNodeEndpoints']);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^Not verifiable at synth: the Auto Mode nodes in .* may have no usable eks-auth endpoint/),
      expect.stringMatching(/^Not verifiable at synth: it is not known at synth whether the Auto Mode nodes belong to this cluster\. .*no usable VPC endpoint for: ec2, ecr\.api, ecr\.dkr, sts, s3\./),
    ]);
  });

  test('warns for Auto Mode when the cluster\'s subnets are a parameter, saying so', () => {
    const t = base({ egress: 'isolated', subnets: { Ref: 'Subnets' } });
    param(t, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    t.Resources.Cluster.Properties.ComputeConfig = { Enabled: true };
    const findings = check(t, ASPECT_RULES.filter((r) => r.id === 'IsolatedNodeEndpoints'));
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the routes of the cluster's subnets, not known at synth \(the Auto Mode nodes\)/);
  });
});

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
describe('compute whose ClusterName is a parameter, with two clusters in the template', () => {
  /** Two Private clusters in the same isolated VPC with no endpoints, and a node group whose ClusterName is a parameter. */
  function twoClustersOneNodegroup(nameB?: (t: Template) => Json): Template {
    const t = base({ egress: 'isolated' });
    t.Resources.ClusterB = JSON.parse(JSON.stringify(t.Resources.Cluster));
    if (nameB) t.Resources.ClusterB.Properties.Name = nameB(t);
    nodegroup(t, undefined, { ClusterName: param(t, 'NodesCluster') });
    return t;
  }
  const where = (findings: ReportedFinding[]) => findings.map((f) => `${f.logicalId}: ${verdicts([f])[0]}`);

  test('warns on each cluster it may belong to (was: silence with two clusters, a warning with one)', () => {
    expect(where(check(twoClustersOneNodegroup()))).toEqual(['Cluster: unverified IsolatedNodeEndpoints', 'ClusterB: unverified IsolatedNodeEndpoints']);
  });

  test('warns only on the cluster it may belong to when the other is named by the node group\'s own parameter', () => {
    expect(where(check(twoClustersOneNodegroup(() => ref('NodesCluster'))))).toEqual(['ClusterB: error IsolatedNodeEndpoints']);
  });
});

describe('node groups naming the cluster by its literal name', () => {
  test('fails nodes of a node group with ClusterName \'prod\' in isolated subnets without endpoints', () => {
    const findings = check(nodeNetwork({ ...PRIVATE, egress: 'isolated', name: 'prod', nodegroupClusterName: 'prod' }));
    expect(kinds(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/^the nodes of Stack\/Nodegroup in /);
  });

  test('passes (no finding for it) a node group naming another cluster', () => {
    expect(check(nodeNetwork({ ...PRIVATE, egress: 'isolated', name: 'prod', nodegroupClusterName: 'staging' }))).toEqual([]);
  });
});

describe('Fargate profiles and Auto Mode in isolated subnets', () => {
  function fargate(): LooseTemplate {
    const t = nodeNetwork({ ...PRIVATE, egress: 'isolated', nodegroup: false });
    t.Resources.FargateProfile = {
      Type: 'AWS::EKS::FargateProfile',
      Properties: {
        ClusterName: ref('Cluster'), PodExecutionRoleArn: 'arn:aws:iam::111111111111:role/fargate',
        Subnets: NODE_SUBNETS.map(ref), Selectors: [{ Namespace: 'default' }],
      },
    };
    return t;
  }

  test('passes a Fargate profile with the endpoints it needs', () => {
    expect(check(withEndpoints(fargate(), ['ecr.api', 'ecr.dkr', 'sts', 's3']))).toEqual([]);
  });

  test('fails a Fargate profile without endpoints, naming Fargate', () => {
    const findings = check(fargate());
    expect(kinds(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/^the Fargate pods of Stack\/FargateProfile in .* no usable VPC endpoint for: ecr\.api, ecr\.dkr, s3, sts\./);
  });

  test('passes Auto Mode with eks-auth beside the node endpoints', () => {
    const t = withEndpoints(nodeNetwork({ ...PRIVATE, egress: 'isolated', nodegroup: false, autoMode: true }), [...NODE_ENDPOINTS, 'eks-auth']);
    expect(check(t)).toEqual([]);
  });

  test('warns for Auto Mode with the node endpoints but no eks-auth: pods that use Pod Identity get no credentials, the nodes still join', () => {
    const findings = check(withEndpoints(nodeNetwork({ ...PRIVATE, egress: 'isolated', nodegroup: false, autoMode: true })));
    expect(kinds(findings)).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/the Auto Mode nodes in .* may have no usable eks-auth endpoint: pods that use EKS Pod Identity/);
  });

  test('fails Auto Mode without the node endpoints, and names them', () => {
    const findings = check(nodeNetwork({ ...PRIVATE, egress: 'isolated', nodegroup: false, autoMode: true }));
    expect(kinds(findings).filter((f) => f.level === 'error')).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings.find((f) => f.level === 'error')!.message).toMatch(/no usable VPC endpoint for: ec2, ecr\.api, ecr\.dkr, sts, s3\./);
  });
});

// Found running the check on public templates and CDK apps (aws-samples, aws-cloudformation-templates, eksctl, the aws-eks-v2 APIs).
describe('self-managed nodes: an Auto Scaling group tagged kubernetes.io/cluster/<name>', () => {
  const asg = (tags: unknown[]) => ({
    Nodes: {
      Type: 'AWS::AutoScaling::AutoScalingGroup',
      Properties: { MinSize: '1', MaxSize: '2', VPCZoneIdentifier: [ref('SubA')], Tags: tags, LaunchTemplate: { LaunchTemplateId: ref('Lt'), Version: '1' } },
    },
    Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { SecurityGroupIds: [att('Cluster', 'ClusterSecurityGroupId')] } } },
  });
  const owned = { Key: sub('kubernetes.io/cluster/${Cluster}'), Value: 'owned', PropagateAtLaunch: true };

  test('fails self-managed nodes in isolated subnets without endpoints', () => {
    const findings = checkNamed('t', isolated(asg([owned])));
    expect(levels(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^the self-managed nodes of t\/Nodes /);
  });

  test('fails them when the tag names the cluster by its literal name', () => {
    expect(levels(checkNamed('t', isolated(asg([{ ...owned, Key: 'kubernetes.io/cluster/demo' }]))))).toEqual(['error IsolatedNodeEndpoints']);
  });

  test('passes them with the endpoints', () => {
    expect(levels(checkNamed('t', isolated({ ...asg([owned]), ...subEndpoints(NODE_SERVICES) })))).toEqual([]);
  });

  test('takes an Auto Scaling group without the tag for something else', () => {
    expect(levels(checkNamed('t', isolated(asg([{ Key: 'team', Value: 'web', PropagateAtLaunch: true }]))))).toEqual([]);
  });
});

// Found running the check on public templates and CDK apps (aws-samples, aws-cloudformation-templates, eksctl, the aws-eks-v2 APIs).
describe('a Fargate profile without Subnets', () => {
  const profile = { Pods: { Type: 'AWS::EKS::FargateProfile', Properties: { ClusterName: ref('Cluster'), PodExecutionRoleArn: 'p', Selectors: [{ Namespace: 'default' }] } } };

  test('fails in isolated cluster subnets without the endpoints: EKS runs the pods in the cluster\'s private subnets', () => {
    const findings = checkNamed('t', isolated(profile));
    expect(levels(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^the Fargate pods of t\/Pods in t\/SubA /);
  });

  test('passes with them', () => {
    expect(levels(checkNamed('t', isolated({ ...profile, ...subEndpoints(['ecr.api', 'ecr.dkr', 'sts']) })))).toEqual([]);
  });
});
