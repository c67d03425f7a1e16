import { ClusterView } from '../engine/model';
import { describe } from '../engine/template/value';
import { about, clientSubject, EndpointRule, Finding, notVerifiable, violationFor } from './rule';

/**
 * A known API client that runs in no VPC (a Lambda function without a VpcConfig: the kubectl
 * handler of aws-eks v1 or aws-eks-v2 outside the VPC, a deployer function) reaches only the
 * public endpoint, from an address of the Region's shared AWS ranges that changes from one
 * invocation to the next: an allow-list that does not admit every address shuts it out, and the
 * deployment hangs until the custom resource times out. (A client outside any VPC of a
 * private-only cluster is ConnectedClientPath's: it reaches nothing.) aws-eks v1 refuses an
 * allow-list on a public-only endpoint for this reason ("Cannot restric public access to endpoint
 * when private access is disabled"), and places its handler in the VPC when private access is on;
 * aws-eks-v2 places it outside unless `kubectlProviderOptions.privateSubnets` is given
 * (aws-cdk issues 27055, 34877).
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
 */
export const OutsideVpcClientAllowList: EndpointRule = {
  id: 'OutsideVpcClientAllowList',
  level: 'error',
  summary: 'A known API client outside any VPC (such as the kubectl handler) needs a public endpoint whose allow-list admits every address.',
  source: 'https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html',
  check(cluster: ClusterView): Finding[] {
    if (cluster.publicAccess === false || cluster.outsideClients.length === 0 || cluster.publicAccessOpen === true) return [];
    const cidrs = cluster.publicAccessCidrs;
    const shown = cidrs === 'unknown' ? 'a deploy-time list' : `[${cidrs.map(describe).join(', ')}]`;
    return cluster.outsideClients.map((client) => {
      const problem = `${client.display} (${client.kind}) runs in no VPC, so it calls the public endpoint from an address of AWS's shared ranges ` +
        `for the Region, which changes and which no allow-list can name; but publicAccessCidrs admits only ${shown}: it will time out. ` +
        'Run it in the cluster VPC behind a NAT gateway whose address you allow (aws-eks-v2: kubectlProviderOptions.privateSubnets; ' +
        'aws-eks: private access on, or kubectlPrivateSubnetIds and kubectlSecurityGroupId on an imported cluster), or open the allow-list.';
      if (cluster.publicAccess === 'unknown') return about(notVerifiable(`endpointPublicAccess is a deploy-time value. If it is true: ${problem}`), clientSubject(client));
      if (cluster.publicAccessOpen === 'unknown') {
        return about(notVerifiable(`publicAccessCidrs holds deploy-time values. Unless it admits every address (0.0.0.0/0): ${problem}`), clientSubject(client));
      }
      return about(violationFor(this, client, problem), clientSubject(client));
    });
  },
};
