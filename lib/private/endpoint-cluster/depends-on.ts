import { CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';

/**
 * Drops from the cluster's `DependsOn` what its `ResourcesVpcConfig` already references.
 *
 * aws-eks-v2 makes a cluster with private access depend on its whole VPC
 * (`this.resource.node.addDependency(this.vpc)` in aws-eks-v2/lib/cluster.ts, so that the VPC's
 * routes exist before the nodes boot and outlive the cluster on deletion), which lists in
 * `DependsOn` the subnets `SubnetIds` already `Ref`s: cfn-lint's W3005. CloudFormation orders a
 * resource after every resource it references, on creation and, in reverse, on deletion
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html),
 * so dropping those entries changes no order: every other dependency (route tables, routes, NAT
 * gateway, the control-plane log group) stays. Construct dependencies become `DependsOn` entries
 * only when the app is prepared for synthesis, after every construct is built, so the list is
 * rendered lazily, from the dependencies as they are then.
 */
export function dropDependsOnImpliedByRefs(cluster: eks.Cluster): void {
  const cfnCluster = cluster.node.defaultChild;
  if (!(cfnCluster instanceof eks.CfnCluster)) return;
  const stack = Stack.of(cfnCluster);
  cfnCluster.addOverride('DependsOn', Lazy.list({
    produce: () => {
      const referenced = new Set<string>();
      collectRefs(stack.resolve(cfnCluster.resourcesVpcConfig), referenced);
      return cfnCluster.obtainDependencies()
        // cross-stack dependencies are the stacks', never a DependsOn entry
        .filter((d): d is CfnResource => CfnResource.isCfnResource(d) && Stack.of(d) === stack)
        .map((d) => stack.resolve(d.logicalId) as string)
        .filter((id) => !referenced.has(id))
        .sort();
    },
  }, { omitEmpty: true }));
}

/** The logical IDs named by `Ref` or `Fn::GetAtt` anywhere in a resolved value. */
function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => collectRefs(v, into));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') into.add(v[0]);
      else collectRefs(v, into);
    }
  }
}
