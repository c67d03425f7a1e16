/**
 * A corpus of real-world EKS template patterns, each rewritten as a small template of our own (nothing in
 * test/corpus is copied; every file names the public file its pattern comes from). The expected verdicts
 * follow AWS's documentation, not what the check says today: a case the check gets wrong is a finding
 * about the check.
 */
export interface CorpusCase {
  /** Short name. */ readonly name: string;
  /** Paths relative to test/corpus, given together to the check (a multi-stack app: all its templates). */ readonly files: string[];
  /** The public file(s) the pattern comes from: repository, path, URL. */ readonly source: string;
  /** What pattern it reproduces, in one sentence. */ readonly pattern: string;
  /** Rule IDs that must be reported as definite errors (level error, verified). Empty: no error. */ readonly errors: string[];
  /** Rule IDs that must appear as not-verifiable warnings, if you can say with confidence (optional). */ readonly notVerifiable?: string[];
  /**
   * Rule IDs that must appear as (verified) warnings, if you can say with confidence (optional):
   * PublicEndpointOpen on an open endpoint, ClusterNotChecked on a cluster type the engine cannot read.
   */
  readonly warnings?: string[];
  /** Why this verdict, citing the AWS documentation page (URL) that says so. */ readonly why: string;
  /** True when everything is in the templates: no finding may be "not verifiable" (optional). */
  readonly complete?: boolean;
}

const CLUSTER_ENDPOINT = 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html';
const PRIVATE_CLUSTERS = 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html';
const AMAZON_DNS = 'https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html';
const NAT_GATEWAY = 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html';
const FN_CIDR = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html';
const CFN101_VPC_MODULE = 'aws-samples/cfn101-workshop, content/advanced/modules/create-example/index.md, '
  + 'https://github.com/aws-samples/cfn101-workshop/blob/main/content/advanced/modules/create-example/index.md';

export const CORPUS: CorpusCase[] = [
  {
    name: 'quickstart-awsqs-cluster',
    files: ['quickstart-awsqs-cluster.yaml'],
    source: 'aws-quickstart/quickstart-amazon-eks, templates/amazon-eks-controlplane.template.yaml, '
      + 'https://github.com/aws-quickstart/quickstart-amazon-eks/blob/main/templates/amazon-eks-controlplane.template.yaml',
    pattern: 'The Quick Start registry type AWSQS::EKS::Cluster fed by List<AWS::EC2::Subnet::Id>, List<AWS::EC2::SecurityGroup::Id> and '
      + 'List<String> parameters, with endpoint flags in Fn::If on Enabled/Disabled parameters and AWS::NoValue for optional properties.',
    errors: [],
    notVerifiable: ['ClusterNotChecked'],
    why: 'AWSQS::EKS::Cluster is a third-party registry type whose handler calls EKS at deploy time '
      + '(https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-types.html), so the check cannot read it as an '
      + `AWS::EKS::Cluster; every endpoint setting is a parameter anyway (${CLUSTER_ENDPOINT}). Nothing here is known to be wrong.`,
  },
  {
    name: 'quickstart-nested-stack',
    files: ['quickstart-nested/parent.yaml', 'quickstart-nested/controlplane.yaml'],
    source: 'aws-quickstart/quickstart-amazon-eks, templates/amazon-eks.template.yaml and templates/amazon-eks-controlplane.template.yaml, '
      + 'https://github.com/aws-quickstart/quickstart-amazon-eks/blob/main/templates/amazon-eks.template.yaml',
    pattern: 'A parent stack owning the VPC passes Fn::Join-ed subnet IDs and Enabled/Disabled switches to a nested AWS::CloudFormation::Stack '
      + 'whose List<AWS::EC2::Subnet::Id> parameters and Fn::If flags build a Private-mode cluster, with TCP 443 from a bastion group into '
      + 'the additional control-plane security group.',
    errors: [],
    why: 'Private mode in a VPC with DNS support and DNS hostnames on resolves through the EKS private hosted zone; the bastion in the VPC is '
      + 'allowed TCP 443 into a security group on the EKS-owned ENIs, which is what the "Amazon EC2 bastion host" section of '
      + `${CLUSTER_ENDPOINT} asks for; nested-stack parameters are resolved by CloudFormation at deploy `
      + '(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html).',
  },
  {
    name: 'refarch-nested-existing-vpc',
    files: ['refarch-nested/root.yaml', 'refarch-nested/cluster.yaml'],
    source: 'aws-samples/amazon-eks-refarch-cloudformation, cloudformation/eks.yaml and cloudformation/cluster.yaml, '
      + 'https://github.com/aws-samples/amazon-eks-refarch-cloudformation/blob/master/cloudformation/cluster.yaml',
    pattern: 'A root stack takes an existing VPC (AWS::EC2::VPC::Id) and a plain String of subnet IDs and hands them to a nested cluster stack '
      + 'with no endpoint flags at all, whose node group names the cluster by the name parameter and sizes itself with Number parameters.',
    errors: [],
    notVerifiable: ['PublicOnlyNodeEgress'],
    warnings: ['PublicEndpointOpen'],
    why: `Without flags EKS creates a public-only endpoint open to 0.0.0.0/0 (${CLUSTER_ENDPOINT}), so any node egress address is accepted, `
      + 'but nodes need internet egress to reach it and the subnets are parameters: their routes cannot be known before deploy.',
  },
  {
    name: 'eksctl-public-two-stacks',
    files: ['eksctl-public/cluster.json', 'eksctl-public/nodegroup.json'],
    source: 'eksctl-io/eksctl, pkg/cfn/builder/cluster.go, pkg/cfn/builder/managed_nodegroup.go and pkg/vpc/importer.go, '
      + 'https://github.com/eksctl-io/eksctl/blob/main/pkg/cfn/builder/managed_nodegroup.go',
    pattern: 'An eksctl cluster stack with its own VPC, public and private subnets, one NAT gateway and a shared node security group, plus a '
      + 'separate node group stack that names the cluster by a literal ClusterName and takes subnets and security groups by Fn::ImportValue.',
    errors: [],
    warnings: ['PublicEndpointOpen'],
    why: `eksctl's default is public access only with no CIDR list, i.e. open to 0.0.0.0/0 (${CLUSTER_ENDPOINT}); the nodes' private subnets `
      + 'route 0.0.0.0/0 to a NAT gateway, which is the internet path public-only nodes need.',
  },
  {
    name: 'eksctl-fully-private',
    files: ['eksctl-private/cluster.json', 'eksctl-private/nodegroup.json'],
    source: 'eksctl-io/eksctl, pkg/cfn/builder/testdata/vpc_private.json and pkg/apis/eksctl.io/v1alpha5/endpoint_service.go, '
      + 'https://github.com/eksctl-io/eksctl/blob/main/pkg/cfn/builder/testdata/vpc_private.json; '
      + 'aws-samples/eks-airgapped-cluster, cfn/vpc-endpoints.yaml, https://github.com/aws-samples/eks-airgapped-cluster/blob/main/cfn/vpc-endpoints.yaml',
    pattern: 'A Private-mode cluster in a VPC with no internet gateway and no NAT, interface endpoints named with Fn::Sub for ec2, ecr.api, '
      + 'ecr.dkr, sts and logs, an s3 gateway endpoint, and a node group in another stack that names the cluster literally.',
    errors: [],
    why: `${PRIVATE_CLUSTERS} requires private endpoint access and VPC endpoints (private DNS on) for ec2, ecr.api, ecr.dkr and s3, sts for `
      + 'service-account credentials and logs for CloudWatch Logs; all are present in the cluster VPC, reachable through the cluster '
      + 'security group that managed nodes carry.',
  },
  {
    name: 'isolated-nodes-missing-ecr-dkr',
    files: ['isolated-missing-ecr-dkr.json'],
    source: 'aws-samples/amazon-eks-using-cdk-typescript, lib/vpc-stack.ts (CDK-rendered endpoint service names), '
      + 'https://github.com/aws-samples/amazon-eks-using-cdk-typescript/blob/main/lib/vpc-stack.ts',
    pattern: 'A CDK-synthesized Private-mode cluster whose node group sits in isolated subnets with endpoints written as '
      + "Fn::Join ['', ['com.amazonaws.', Ref AWS::Region, '.<service>']] for ec2, ecr.api, sts and s3, but none for ecr.dkr.",
    errors: ['IsolatedNodeEndpoints'],
    why: `Without outbound internet access nodes pull images through com.amazonaws.<region>.ecr.dkr, which ${PRIVATE_CLUSTERS} lists `
      + 'with ecr.api and s3; the subnets have no route but the local one, so image pulls (VPC CNI, kube-proxy, workloads) fail.',
  },
  {
    name: 'dns-hostnames-left-default',
    files: ['dns-hostnames-default-off.yaml'],
    source: 'terraform-aws-modules/terraform-aws-eks issue 434 and PR 446, https://github.com/terraform-aws-modules/terraform-aws-eks/issues/434, '
      + 'https://github.com/terraform-aws-modules/terraform-aws-eks/pull/446',
    pattern: 'A hand-written AWS::EC2::VPC that omits EnableDnsHostnames (default false) under a Public & Private cluster with a restricted allow-list.',
    errors: ['VpcDnsHostnames'],
    why: `${CLUSTER_ENDPOINT}: with private access "your VPC must have enableDnsHostnames and enableDnsSupport set to true"; `
      + 'CloudFormation leaves EnableDnsHostnames false on a nondefault VPC '
      + '(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpc.html), so nodes get the public addresses, '
      + 'leave through a NAT gateway that the allow-list does not hold, and never join.',
  },
  {
    name: 'dhcp-options-vpc-base-plus-two',
    files: ['dhcp-vpc-base-plus-two.yaml'],
    source: 'aws-quickstart/quickstart-microsoft-activedirectory, templates/ad-1.template.yaml (DHCPOptions with explicit DomainNameServers), '
      + 'https://github.com/aws-quickstart/quickstart-microsoft-activedirectory/blob/main/templates/ad-1.template.yaml',
    pattern: 'A custom DHCP options set that lists the Amazon DNS server by address (10.0.0.2 in 10.0.0.0/16) instead of AmazonProvidedDNS, '
      + 'under a Private-mode cluster.',
    errors: [],
    why: `${AMAZON_DNS}: AmazonProvidedDNS is the Route 53 Resolver at the VPC base address plus two (and at 169.254.169.253), so this set `
      + `names the resolver that answers from the EKS private hosted zone (${CLUSTER_ENDPOINT}); in Private mode public DNS also answers `
      + 'with the private addresses.',
  },
  {
    name: 'dhcp-options-link-local-dns',
    files: ['dhcp-link-local-dns.yaml'],
    source: 'aws-quickstart/quickstart-microsoft-activedirectory, templates/ad-1.template.yaml, '
      + 'https://github.com/aws-quickstart/quickstart-microsoft-activedirectory/blob/main/templates/ad-1.template.yaml',
    pattern: 'A custom DHCP options set that lists 169.254.169.253 as its only DNS server, under a Public & Private cluster with a restricted allow-list.',
    errors: [],
    why: `${AMAZON_DNS}: 169.254.169.253 is the Amazon DNS server, the same resolver as AmazonProvidedDNS, so in-VPC nodes resolve the EKS `
      + `private hosted zone and take the private path that the allow-list does not affect (${CLUSTER_ENDPOINT}).`,
  },
  {
    name: 'dhcp-options-onprem-dns-only',
    files: ['dhcp-onprem-dns-only.yaml'],
    source: 'aws-quickstart/quickstart-microsoft-activedirectory, templates/ad-1.template.yaml (domain controllers as the only DomainNameServers), '
      + 'https://github.com/aws-quickstart/quickstart-microsoft-activedirectory/blob/main/templates/ad-1.template.yaml',
    pattern: 'The cluster VPC\'s DHCP options list only on-premises DNS servers reached over a VPN, under a Public & Private cluster with a restricted allow-list.',
    errors: ['DhcpOptionsDns'],
    why: `${CLUSTER_ENDPOINT}: with private access "the DHCP options set for your VPC must include AmazonProvidedDNS in its domain name `
      + 'servers list"; the on-premises servers cannot see the EKS private hosted zone, so nodes get the public addresses and are refused '
      + 'by the allow-list.',
  },
  {
    name: 'importvalue-three-stacks-private-nat',
    files: ['importvalue-private-nat/vpc.yaml', 'importvalue-private-nat/cluster.yaml', 'importvalue-private-nat/nodegroup.yaml'],
    source: 'aws-samples/eks-private-nat-gateway, eks-vpc-stack.yaml, eks-cluster-stack.yaml and eks-managed-workernode-stack.yaml, '
      + 'https://github.com/aws-samples/eks-private-nat-gateway',
    pattern: 'A VPC stack exports subnet IDs by !Sub names; a public-only cluster stack and a node group stack (cluster named by a String '
      + 'parameter) import them with Fn::ImportValue; worker subnets in a non-routable secondary CIDR default-route to a public NAT gateway '
      + 'and send only the peer range to a private NAT gateway.',
    errors: [],
    notVerifiable: ['PublicOnlyNodeEgress'],
    warnings: ['PublicEndpointOpen'],
    why: `The public-only endpoint has no allow-list, so it accepts any source (${CLUSTER_ENDPOINT}); the worker subnets reach the internet `
      + `through a public NAT gateway, while the private NAT gateway only carries the peer range (${NAT_GATEWAY}). The imports are named `
      + 'from the VPCStackName parameter, so which subnets the nodes get is known only at deploy.',
  },
  {
    name: 'public-only-default-route-to-private-nat',
    files: ['public-only-private-nat-default-route.yaml'],
    source: 'aws-samples/eks-private-nat-gateway, eks-vpc-stack.yaml, https://github.com/aws-samples/eks-private-nat-gateway/blob/main/eks-vpc-stack.yaml',
    pattern: 'A public-only cluster whose worker subnets send 0.0.0.0/0 to a NAT gateway with ConnectivityType private.',
    errors: ['PublicOnlyNodeEgress'],
    warnings: ['PublicEndpointOpen'],
    why: `${NAT_GATEWAY}: a private NAT gateway has no Elastic IP and cannot reach the internet (an internet gateway drops its traffic), `
      + `and ${CLUSTER_ENDPOINT} says that without private access node-to-control-plane traffic leaves the VPC for the public endpoint, `
      + 'so these nodes cannot reach the API server.',
  },
  {
    name: 'public-only-allowlist-without-nat-eip',
    files: ['public-only-allowlist-without-nat-eip.yaml'],
    source: 'aws-cloudformation/aws-cloudformation-templates, EKS/template.yaml, '
      + 'https://github.com/aws-cloudformation/aws-cloudformation-templates/blob/main/EKS/template.yaml',
    pattern: 'A public-only cluster whose PublicAccessCidrs hold an office range and one address, while nodes leave through a NAT gateway whose Elastic IP is not listed.',
    errors: ['PublicOnlyNodeEgress'],
    why: `${CLUSTER_ENDPOINT}: "Without the private endpoint enabled, your public access endpoint CIDR sources must include the egress sources `
      + 'from your VPC ... you will need to add the outbound IP address of the NAT gateway".',
  },
  {
    name: 'fargate-public-allowlist-with-nat-eip',
    files: ['fargate-public-allowlist-with-nat-eip.yaml'],
    source: 'awsdocs/aws-cloudformation-user-guide, doc_source/aws-resource-eks-fargateprofile.md, '
      + 'https://github.com/awsdocs/aws-cloudformation-user-guide/blob/main/doc_source/aws-resource-eks-fargateprofile.md; '
      + 'mysd33/eks-on-fargate-cfn-demo, https://github.com/mysd33/eks-on-fargate-cfn-demo',
    pattern: "A Fargate-only public cluster (AWS::EKS::FargateProfile in private subnets) whose allow-list holds a CommaDelimitedList entry and !Sub '${NatEip}/32'.",
    errors: [],
    notVerifiable: ['PublicEndpointOpen'],
    why: `${CLUSTER_ENDPOINT}: a restricted public endpoint must include the addresses "nodes and Fargate Pods" reach it from; the Fargate `
      + 'subnets leave through the NAT gateway whose Elastic IP (Ref of the AWS::EC2::EIP) is in the list '
      + '(https://docs.aws.amazon.com/eks/latest/userguide/fargate-profile.html: Fargate Pods run only in private subnets). The office entry is a '
      + 'parameter value, so whether the list admits every address is known only at deploy.',
  },
  {
    name: 'fargate-only-public-allowlist-without-nat-eip',
    files: ['fargate-only-public-allowlist-without-nat-eip.yaml'],
    source: 'awsdocs/aws-cloudformation-user-guide, doc_source/aws-resource-eks-fargateprofile.md; '
      + 'mysd33/eks-on-fargate-cfn-demo, amazon-eks-vpc-private-subnets.yaml, https://github.com/mysd33/eks-on-fargate-cfn-demo/blob/main/amazon-eks-vpc-private-subnets.yaml',
    pattern: 'A cluster with a Fargate profile and no node group, public-only and restricted to an office range that does not hold the NAT Elastic IP.',
    errors: ['PublicOnlyNodeEgress'],
    why: `${CLUSTER_ENDPOINT}: with public access only and a CIDR allow-list, the list must include the addresses that "nodes and Fargate `
      + 'Pods" access the public endpoint from; Fargate Pods have no public IP and leave through the NAT gateway, which is not listed.',
  },
  {
    name: 'allowlist-split-default',
    files: ['allowlist-split-default.yaml'],
    source: 'aws-samples/bedrock-chat, cdk/cdk.json ("allowedIpV4AddressRanges": ["0.0.0.0/1", "128.0.0.0/1"]), '
      + 'https://github.com/aws-samples/bedrock-chat/blob/main/cdk/cdk.json',
    pattern: 'A public-only cluster whose allow-list is the split default 0.0.0.0/1 + 128.0.0.0/1, with nodes behind a NAT gateway.',
    errors: [],
    warnings: ['PublicEndpointOpen'],
    why: 'The two /1 blocks cover the whole IPv4 space, so the endpoint is as open as 0.0.0.0/0 and the NAT gateway address is necessarily '
      + `allowed (${CLUSTER_ENDPOINT}).`,
  },
  {
    name: 'ipv6-dual-stack-open',
    files: ['ipv6-dual-stack-open.yaml'],
    source: 'aws/aws-cdk, packages/@aws-cdk/aws-eks-v2-alpha/test/integ.eks-cluster-ipv6.ts, '
      + 'https://github.com/aws/aws-cdk/blob/main/packages/@aws-cdk/aws-eks-v2-alpha/test/integ.eks-cluster-ipv6.ts',
    pattern: 'An IPv6 cluster (IpFamily ipv6) in a dual-stack VPC, Public & Private, with PublicAccessCidrs 0.0.0.0/0 and ::/0.',
    errors: [],
    warnings: ['PublicEndpointOpen'],
    why: `${CLUSTER_ENDPOINT}: IPv6 clusters made since October 2024 have a dual-stack public endpoint that accepts IPv4 and IPv6 blocks, `
      + 'so 0.0.0.0/0 plus ::/0 opens it to every address; nodes use the private endpoint.',
  },
  {
    name: 'cdk-v1-custom-resource-cluster',
    files: ['cdk-v1-custom-resource-cluster.json'],
    source: 'aws/aws-cdk, packages/@aws-cdk-testing/framework-integ/test/aws-eks/test/integ.eks-cluster-private-endpoint.js.snapshot/'
      + 'aws-cdk-eks-cluster-private-endpoint-test.template.json, https://github.com/aws/aws-cdk/tree/main/packages/%40aws-cdk-testing/framework-integ/test/aws-eks/test',
    pattern: 'An aws-eks v1 cluster rendered as Custom::AWSCDK-EKS-Cluster with its resourcesVpcConfig in camelCase inside Config, served by a provider nested stack.',
    errors: [],
    why: 'The custom resource\'s Config is the EKS CreateCluster request its handler sends as it is '
      + '(https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html), so it is read like an AWS::EKS::Cluster: '
      + `Private mode in a VPC with DNS support and hostnames on and NAT egress for the nodes, no known client without a path (${CLUSTER_ENDPOINT}).`,
  },
  {
    name: 'cdk-v1-private-aws-auth-bastion',
    files: ['cdk-v1-private-aws-auth-bastion/EksPrivate.template.json'],
    source: 'sazecis/aws-secure-eks, eks_access/private.py (an aws_eks v1 Cluster with EndpointAccess.PRIVATE) and eks_access/bastion.py '
      + '(a bastion instance allowed TCP 443 into the cluster\'s group), https://github.com/sazecis/aws-secure-eks; '
      + 'the aws-auth manifest and the kubectl provider nested stack in the shape aws-cdk-lib/aws-eks/lib/aws-auth.js and kubectl-provider.js synthesize',
    pattern: 'An aws-eks v1 Private-mode cluster (Custom::AWSCDK-EKS-Cluster) whose bastion is granted access by cluster.awsAuth.addMastersRole() '
      + '(its role ARN inside the Fn::Join of the aws-auth manifest) and allowed TCP 443 into Fn::GetAtt Cluster.ClusterSecurityGroupId; '
      + 'the kubectl handler in a nested stack, in the private subnets and the cluster security group.',
    errors: [],
    why: `${CLUSTER_ENDPOINT}: a client in the cluster VPC resolves the private endpoint and needs TCP 443 into the cluster security group, which it has; `
      + 'the kubectl handler runs in the cluster security group, which admits its own members (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html); '
      + 'a role mapped in aws-auth is a Kubernetes identity like an access entry (https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html).',
  },
  {
    name: 'cdk-v1-private-aws-auth-bastion-without-443',
    files: ['cdk-v1-private-aws-auth-bastion-no-443/EksPrivate.template.json'],
    source: 'derived from cdk-v1-private-aws-auth-bastion (sazecis/aws-secure-eks, eks_access/private.py, https://github.com/sazecis/aws-secure-eks) '
      + 'by leaving out the bastion\'s 443 rule, as eks_access/private.py alone deploys it',
    pattern: 'The same aws-eks v1 Private-mode cluster and aws-auth bastion with no rule letting the bastion into the cluster security group.',
    errors: ['ClientSecurityGroupPath'],
    why: `${CLUSTER_ENDPOINT} ("You must ensure that your Amazon EKS control plane security group contains rules to allow ingress traffic on port 443 from your bastion host"): `
      + 'the bastion in the VPC resolves the private addresses, and nothing lets it in, so kubectl times out.',
  },
  {
    name: 'cdk-v1-kubectl-handler-outside-vpc',
    files: ['cdk-v1-kubectl-handler-outside-vpc/EksPrivate.template.json'],
    source: 'aws/aws-cdk issue 6642 (custom resources unable to run kubectl in a cluster on private subnets: the handler outside the VPC), '
      + 'https://github.com/aws/aws-cdk/issues/6642, and issue 9542 (the handler\'s subnets with a looked-up VPC), https://github.com/aws/aws-cdk/issues/9542',
    pattern: 'An aws-eks v1 Private-mode cluster whose kubectl provider nested stack runs the handler with no VpcConfig '
      + '(as for a cluster imported without kubectlPrivateSubnets), applying the aws-auth manifest.',
    errors: ['ConnectedClientPath'],
    why: `${CLUSTER_ENDPOINT}: with public access off, the API is reachable only from within the VPC or connected networks, and a Lambda function `
      + 'without a VpcConfig runs in no VPC (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html): the handler times out and the deployment fails.',
  },
  {
    name: 'cdk-v1-public-open',
    files: ['cdk-v1-public-open/EksPublic.template.json'],
    source: 'sazecis/aws-secure-eks, eks_access/public_eks.py, https://github.com/sazecis/aws-secure-eks',
    pattern: 'An aws-eks v1 cluster with EndpointAccess.PUBLIC and no allow-list (Config with endpointPublicAccess true, endpointPrivateAccess false, '
      + 'no publicAccessCidrs), nodes behind a NAT gateway, the kubectl handler outside the VPC.',
    errors: [],
    warnings: ['PublicEndpointOpen'],
    why: 'With no publicAccessCidrs the EKS API defaults to 0.0.0.0/0 (https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html); '
      + `the endpoint is open to the internet, a decision to put on record (${CLUSTER_ENDPOINT}); nodes reach it through the NAT gateway.`,
  },
  {
    name: 'auto-mode-cdk-v2',
    files: ['auto-mode-cdk-v2.json'],
    source: 'aws/aws-cdk, packages/@aws-cdk/aws-eks-v2-alpha/test/integ.eks-auto.js.snapshot/eks-auto-mode-stack.template.json, '
      + 'https://github.com/aws/aws-cdk/blob/main/packages/@aws-cdk/aws-eks-v2-alpha/test/integ.eks-auto.ts',
    pattern: 'An EKS Auto Mode cluster (ComputeConfig with NodePools, StorageConfig, KubernetesNetworkConfig.ElasticLoadBalancing) in Public & Private mode, '
      + 'no node group resource, and a kubectl Lambda in the cluster security group with an access entry.',
    errors: [],
    warnings: ['PublicEndpointOpen'],
    why: 'Auto Mode changes who manages the nodes, not the endpoint (https://docs.aws.amazon.com/eks/latest/userguide/automode.html); in-VPC '
      + `clients resolve the private endpoint, and the Lambda runs in the cluster security group, which allows traffic from its own members (${CLUSTER_ENDPOINT}, `
      + 'https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html); no CIDR list means 0.0.0.0/0.',
  },
  {
    name: 'access-entry-bastion-without-443',
    files: ['access-entry-bastion-no-443.yaml'],
    source: 'eksctl-io/eksctl issue 7929, https://github.com/eksctl-io/eksctl/issues/7929; '
      + 'aws-samples/eks-multi-environment-cdk-pipeline, eks/eks.py, https://github.com/aws-samples/eks-multi-environment-cdk-pipeline/blob/main/eks/eks.py',
    pattern: 'A bastion EC2 instance whose instance-profile role has an AWS::EKS::AccessEntry, in a Public & Private cluster, with no TCP 443 rule into the cluster security group.',
    errors: ['ClientSecurityGroupPath'],
    warnings: ['PublicEndpointOpen'],
    why: `${CLUSTER_ENDPOINT}: with private access, requests from within the VPC use the private endpoint, and "You must ensure that your `
      + 'Amazon EKS control plane security group contains rules to allow ingress traffic on port 443 from your bastion host"; the cluster '
      + 'security group only admits its own members (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html).',
  },
  {
    name: 'access-entry-bastion-with-443',
    files: ['access-entry-bastion-with-443.yaml'],
    source: 'aws-samples/amazon-eks-using-cdk-typescript, lib/eks-cdk-js-stack.ts, '
      + 'https://github.com/aws-samples/amazon-eks-using-cdk-typescript/blob/main/lib/eks-cdk-js-stack.ts',
    pattern: 'A Private-mode cluster and a bastion with an access entry, egress limited to TCP 443, and a separate ingress rule for 443 into GetAtt Cluster.ClusterSecurityGroupId.',
    errors: [],
    why: `${CLUSTER_ENDPOINT} ("Accessing a private only API server"): the bastion is in the cluster VPC and the control plane security `
      + 'group allows TCP 443 from it; its egress rule lets 443 out.',
  },
  {
    name: 'fn-if-vpcconfig-conditional-endpoints',
    files: ['fn-if-vpcconfig-conditional-endpoints.yaml'],
    source: 'aws-quickstart/quickstart-amazon-eks, templates/amazon-eks.template.yaml and templates/amazon-eks-controlplane.template.yaml, '
      + 'https://github.com/aws-quickstart/quickstart-amazon-eks/blob/main/templates/amazon-eks.template.yaml; '
      + 'aws-samples/eks-airgapped-cluster, cfn/vpc-endpoints.yaml',
    pattern: 'The whole ResourcesVpcConfig inside Fn::If on a parameter condition, with resource-level Conditions on the NAT route and on the VPC endpoints, '
      + 'a CommaDelimitedList allow-list and AWS::NoValue.',
    errors: [],
    notVerifiable: ['PublicEndpointOpen'],
    why: `Either branch is a working design: air-gapped gives Private mode with the ec2, ecr.api, ecr.dkr, sts and s3 endpoints (${PRIVATE_CLUSTERS}); `
      + `connected gives public-only with the NAT gateway's Elastic IP in the allow-list (${CLUSTER_ENDPOINT}). The other allow-list entry is a `
      + 'parameter value, so openness is known only at deploy.',
  },
  {
    name: 'ssm-parameters-and-string-flags',
    files: ['ssm-params-string-flags.yaml'],
    source: 'guardian/cdk, src/constructs/ec2/vpc.ts (subnets from AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>), '
      + 'https://github.com/guardian/cdk/blob/main/src/constructs/ec2/vpc.ts; awslabs/amazon-eks-ami, amazon-eks-managed-nodegroup.yaml',
    pattern: "VPC, subnets and allow-list from SSM parameter types, endpoint flags as String parameters 'true'/'false', node sizes as Number parameters.",
    errors: [],
    notVerifiable: ['VpcDnsSupport', 'VpcDnsHostnames', 'DhcpOptionsDns', 'PublicOnlyNodeEgress', 'IsolatedNodeEndpoints', 'PublicEndpointOpen'],
    why: 'Every value is resolved at deploy from Parameter Store or the caller '
      + '(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html); whether private access is on, and '
      + `whether the VPC has the DNS attributes and DHCP options it then needs (${CLUSTER_ENDPOINT}), cannot be known before deploy.`,
  },
  {
    name: 'tgw-shared-services-endpoints',
    files: ['tgw-shared-services-endpoints.yaml'],
    source: 'aws-samples/amazon-centralize-vpc-interface-endpoints, centralized_vpc_endpoints/centralized_vpc_endpoints_stack.py, '
      + 'https://github.com/aws-samples/amazon-centralize-vpc-interface-endpoints/blob/main/centralized_vpc_endpoints/centralized_vpc_endpoints_stack.py',
    pattern: 'A Private-mode cluster in a VPC with no internet path whose interface endpoints live in a shared-services VPC across a Transit Gateway, '
      + 'reached through private hosted zones associated with the cluster VPC, plus a local s3 gateway endpoint.',
    errors: [],
    notVerifiable: ['ConnectedClientPath'],
    why: 'Centralized interface endpoints with private DNS off and Route 53 private hosted zones shared with the spoke VPCs are an AWS design '
      + '(https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html); '
      + `the nodes resolve ec2, ecr.api, ecr.dkr, sts and logs to the hub and route there by the Transit Gateway, and S3 uses a gateway endpoint in their own VPC, as ${PRIVATE_CLUSTERS} requires. `
      + 'The Transit Gateway attachment carries no known API client and no 443 rule into the cluster, so whether anyone behind it needs the API cannot be known: a ConnectedClientPath warning, not an error.',
  },
  {
    name: 'sam-lambda-outside-vpc-private-cluster',
    files: ['sam-lambda-outside-vpc-private-cluster.yaml'],
    source: 'aws-samples/amazon-eks-kubernetes-api-aws-lambda, template.yml, https://github.com/aws-samples/amazon-eks-kubernetes-api-aws-lambda/blob/main/template.yml',
    pattern: 'A SAM template (Transform AWS::Serverless-2016-10-31) with a Private-mode cluster and an AWS::Serverless::Function without VpcConfig whose role has an access entry.',
    errors: ['ConnectedClientPath'],
    why: `${CLUSTER_ENDPOINT}: with public access disabled "all traffic to your cluster API server must come from within your cluster's VPC or a connected network"; `
      + 'a function not connected to a VPC reaches only public endpoints (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).',
  },
  {
    name: 'cdk-pipelines-stage',
    files: [
      'cdk-pipeline-stage/EksPipelineStack.template.json',
      'cdk-pipeline-stage/assembly-EksPipelineStack-PreProduction/EksPipelineStackPreProductionNetwork1A2B3C4D.template.json',
      'cdk-pipeline-stage/assembly-EksPipelineStack-PreProduction/EksPipelineStackPreProductionEKS5E6F7A8B.template.json',
    ],
    source: 'aws-samples/eks-multi-environment-cdk-pipeline, pipeline.py, environment.py, network/infra.py and eks/eks.py, '
      + 'https://github.com/aws-samples/eks-multi-environment-cdk-pipeline',
    pattern: 'A CDK Pipelines app whose Stage (a nested cloud assembly) holds a Network stack and an EKS stack wired by CDK export names, '
      + 'with a Private-mode cluster, CDK Fn::Join endpoint names and a public-subnet bastion whose role has an access entry and an all-traffic rule into the cluster security group.',
    errors: [],
    why: `${CLUSTER_ENDPOINT}: the bastion is in the cluster VPC and the control plane security group allows all traffic (443 included) from it; `
      + 'the VPC has DNS support and hostnames on and the node subnets have NAT egress.',
  },
  {
    name: 'aws-sample-default-public',
    files: ['aws-sample-default-public.yaml'],
    source: 'aws-cloudformation/aws-cloudformation-templates, EKS/template.yaml, '
      + 'https://github.com/aws-cloudformation/aws-cloudformation-templates/blob/main/EKS/template.yaml',
    pattern: 'AWS\'s own sample: no endpoint flags, nodes in private subnets behind NAT, node group referencing the cluster with !Ref.',
    errors: [],
    warnings: ['PublicEndpointOpen'],
    why: `${CLUSTER_ENDPOINT}: the default is public access only from 0.0.0.0/0; nodes reach it through the NAT gateway.`,
  },
  {
    name: 'isolated-fn-cidr-subnets',
    files: ['isolated-fn-cidr-subnets.yaml'],
    source: CFN101_VPC_MODULE,
    pattern: 'A Private-mode cluster on isolated subnets whose blocks are CidrBlock: !Select [n, !Cidr [!GetAtt Vpc.CidrBlock, 3, 12]], '
      + 'with ec2, ecr.api, ecr.dkr and sts interface endpoints whose group admits the VPC\'s block on 443, and an s3 gateway endpoint.',
    errors: [],
    complete: true,
    why: `Fn::Cidr carves the subnets' blocks from the VPC's literal block in order (${FN_CIDR}), so each is known and inside the block the `
      + `endpoints' group admits; ${PRIVATE_CLUSTERS} lists the endpoints an isolated node needs, and all are there.`,
  },
  {
    name: 'isolated-fn-cidr-endpoint-group-too-narrow',
    files: ['isolated-fn-cidr-endpoint-group-too-narrow.yaml'],
    source: CFN101_VPC_MODULE,
    pattern: 'The same, derived fault: the endpoints\' group admits 10.20.0.0/20, the first carved block only, not the second node subnet.',
    errors: ['IsolatedNodeEndpoints'],
    why: `The second subnet is 10.20.16.0/20 by ${FN_CIDR}; the endpoints' security group must admit the nodes on 443 (${PRIVATE_CLUSTERS}), `
      + 'and it does not admit that block.',
  },
  {
    name: 'connected-network-routed',
    files: ['connected-peering-by-id-routed.yaml'],
    source: 'aws-samples/terraform-eks-code, net/eks-route-add.tf and net/sg-def-rule-eks.tf, '
      + 'https://github.com/aws-samples/terraform-eks-code/blob/master/net/eks-route-add.tf',
    pattern: 'A Private cluster in intra and private subnets whose security group admits TCP 443 from a connected VPC\'s block (the default VPC, '
      + 'peered outside the template), with a route for that block to the peering connection, by its ID, in both cluster route tables.',
    errors: [],
    why: `Clients in a connected network reach the private endpoint with a route both ways and the 443 rule (${CLUSTER_ENDPOINT}); `
      + 'the EKS-owned ENIs may be in any cluster subnet, and each of their route tables sends the block to the peering '
      + '(https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html).',
  },
  {
    name: 'connected-network-no-route',
    files: ['connected-peering-by-id-no-route.yaml'],
    source: 'derived from connected-network-routed (aws-samples/terraform-eks-code, net/eks-route-add.tf, '
      + 'https://github.com/aws-samples/terraform-eks-code/blob/master/net/eks-route-add.tf)',
    pattern: 'The same cluster and 443 rule from the connected block, with the routes to the peering left out.',
    errors: ['ConnectedNetworkRoute'],
    why: 'Every route table of the cluster subnets is in the template and none leads 172.31.0.0/16 to the peering: the ENIs\' answers follow '
      + 'the NAT default route or nowhere, and kubectl in the connected VPC times out '
      + `(${CLUSTER_ENDPOINT}; https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html).`,
  },
  {
    name: 'connected-network-one-table',
    files: ['connected-peering-by-id-one-table.yaml'],
    source: 'derived from connected-network-routed (aws-samples/terraform-eks-code, net/eks-route-add.tf, '
      + 'https://github.com/aws-samples/terraform-eks-code/blob/master/net/eks-route-add.tf)',
    pattern: 'The same cluster, with the route to the peering in the private route table only, not in the intra one where the ENIs may also be.',
    errors: [],
    warnings: ['ConnectedNetworkRoute'],
    why: `EKS places its ENIs in any of the cluster subnets (${CLUSTER_ENDPOINT}; https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html): `
      + 'answers from an ENI in an intra subnet have no way back. A warning, not an error: some tables do route the block.',
  },
  {
    name: 'kubectl-client-bastion-in-cluster-sg',
    files: ['kubectl-client-bastion-in-cluster-sg.yaml'],
    source: 'aws-samples/aws-cdk-examples, java/eks/private-cluster/src/main/java/com/amazonaws/cdk/examples/EksPrivateClusterStack.java, '
      + 'https://github.com/aws-samples/aws-cdk-examples/blob/main/java/eks/private-cluster/src/main/java/com/amazonaws/cdk/examples/EksPrivateClusterStack.java',
    pattern: 'A private-only cluster in isolated subnets and a BastionHostLinux named kubectl-client, with no access entry (aws-auth grants it), '
      + 'in the cluster security group.',
    errors: [],
    why: 'The cluster security group admits all traffic from its own members (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html), '
      + `so the client in the VPC reaches the private endpoint it resolves to (${CLUSTER_ENDPOINT}).`,
  },
  {
    name: 'kubectl-client-bastion-own-sg',
    files: ['kubectl-client-bastion-own-sg.yaml'],
    source: 'derived from kubectl-client-bastion-in-cluster-sg (aws-samples/aws-cdk-examples, java/eks/private-cluster, '
      + 'https://github.com/aws-samples/aws-cdk-examples/blob/main/java/eks/private-cluster/src/main/java/com/amazonaws/cdk/examples/EksPrivateClusterStack.java)',
    pattern: 'The same kubectl client in a security group of its own, with no TCP 443 rule into the cluster security group.',
    errors: [],
    warnings: ['ClientLikeInstancePath'],
    why: `${CLUSTER_ENDPOINT}: with private access, "You must ensure that your Amazon EKS control plane security group contains rules to allow `
      + 'ingress traffic on port 443 from your bastion host". A warning: no access entry in the template says it calls the API.',
  },
];
