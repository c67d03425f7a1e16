import { ClusterView, Fact, VpcView } from '../engine/model';
import { EndpointRule, Finding, mayBePrivate, notVerifiable, violation } from './rule';

/** What differs between the rules on a boolean VPC attribute that private access needs. */
export interface VpcAttributeRuleOptions {
  readonly id: string;
  readonly summary: string;
  readonly source: string;
  /** The CloudFormation attribute's name as `describe-vpc-attribute` takes it. */
  readonly attribute: 'enableDnsSupport' | 'enableDnsHostnames';
  /** What the attribute is called in a sentence. */
  readonly label: string;
  /** The sentence for the attribute being off, e.g. "DNS hostnames are off". */
  readonly off: string;
  readonly read: (vpc: VpcView) => Fact;
  /** What goes wrong without it. */
  readonly consequence: string;
}

/** A rule that private access needs a VPC attribute on: DNS support, DNS hostnames. */
export function vpcAttributeRule(o: VpcAttributeRuleOptions): EndpointRule {
  return {
    id: o.id,
    level: 'error',
    summary: o.summary,
    source: o.source,
    check(cluster: ClusterView): Finding[] {
      if (!mayBePrivate(cluster)) return [];
      const vpc = cluster.vpc;
      if (!vpc) {
        return [notVerifiable(`${cluster.vpcDisplay} is not defined in the templates given. Confirm ${o.label} is on: ` +
          `aws ec2 describe-vpc-attribute --attribute ${o.attribute} --vpc-id <id>.`)];
      }
      const value = o.read(vpc);
      if (value === true) return [];
      if (value === 'unknown' || cluster.privateAccess === 'unknown') {
        return [notVerifiable(`${o.attribute} of ${vpc.display} or the cluster's private access is a deploy-time value. ` +
          `Confirm ${o.label} is on whenever private access is.`)];
      }
      return [violation(this, `Private access is on, but ${o.off} in ${vpc.display}: ${o.consequence} Set ${o.attribute}: true on the VPC.`)];
    },
  };
}
