import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CfnIndex } from './cfn-index';
import { ClusterView, NetworkModel } from '../check/engine/network-model';
import { EndpointRule, Finding } from '../check/rules';

/** The CloudFormation types the network model reads. */
const MODEL_TYPES = new Set([
  'AWS::EKS::Cluster', 'AWS::EKS::Nodegroup', 'AWS::EKS::AccessEntry',
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::RouteTable', 'AWS::EC2::Route',
  'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::InternetGateway', 'AWS::EC2::VPCEndpoint',
  'AWS::EC2::DHCPOptions', 'AWS::EC2::VPCDHCPOptionsAssociation',
  'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::Instance', 'AWS::IAM::InstanceProfile', 'AWS::IAM::Role', 'AWS::Lambda::Function',
  'AWS::EC2::VPCPeeringConnection', 'AWS::EC2::TransitGatewayAttachment', 'AWS::EC2::TransitGatewayVpcAttachment',
  'AWS::Route53Resolver::ResolverEndpoint', 'AWS::Route53Resolver::ResolverRule', 'AWS::Route53Resolver::ResolverRuleAssociation',
]);

/** Whether a construct is an EKS cluster resource: by CloudFormation type, whatever its class. */
export function isEksCluster(node: IConstruct): node is CfnResource {
  return node instanceof CfnResource && node.cfnResourceType === 'AWS::EKS::Cluster';
}

/**
 * The network model of the app a construct belongs to, built once per app (the app, not the
 * stack: clusters take their VPCs from other stacks) and reused for every cluster in it.
 */
export class Analysis {
  private root?: IConstruct;
  private model?: NetworkModel;

  public clusterView(cluster: CfnResource): ClusterView {
    const root = cluster.node.root;
    if (this.root !== root || !this.model) {
      this.root = root;
      this.model = new NetworkModel(new CfnIndex(root, MODEL_TYPES), root);
    }
    return this.model.cluster(cluster);
  }

  /** Runs the rules on a cluster. */
  public check(cluster: CfnResource, rules: EndpointRule[]): Array<{ rule: EndpointRule; findings: Finding[] }> {
    const view = this.clusterView(cluster);
    return rules.map((rule) => ({ rule, findings: rule.check(view) }));
  }
}
