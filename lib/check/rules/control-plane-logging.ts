import { asList, ClusterView } from '../engine/network-model';
import { EndpointRule, Finding, notVerifiable, violation } from './rule';

const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/**
 * Control-plane logs are the record of who called the API and what it decided. cdk-nag's
 * AwsSolutions-EKS2 checks this only on the aws-eks L1 class, so it is silent on aws-eks-v2
 * clusters; this rule reads the CloudFormation type.
 * https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
 */
export const ControlPlaneLogging: EndpointRule = {
  id: 'ControlPlaneLogging',
  level: 'error',
  summary: 'All five control-plane log types are enabled.',
  runsIn: 'nag',
  check(cluster: ClusterView): Finding[] {
    const logging = cluster.properties.Logging;
    const types = logging?.ClusterLogging?.EnabledTypes;
    const opaque = (v: unknown) => v !== undefined && (typeof v !== 'object' || cluster.index.isOpaque(v) && !Array.isArray(v));
    if (opaque(logging) && logging?.ClusterLogging === undefined || types !== undefined && (!Array.isArray(types) || cluster.index.isOpaque(types))) {
      return [notVerifiable('the enabled log types are a deploy-time value. Confirm api, audit, authenticator, controllerManager and scheduler are on.')];
    }
    const enabled = asList(types).map((t: any) => t?.Type);
    const missing = LOG_TYPES.filter((t) => !enabled.includes(t));
    return missing.length === 0 ? [] : [violation(this, `Control-plane log types not enabled: ${missing.join(', ')}. ` +
      'Set clusterLogging to all five ClusterLoggingTypes.')];
  },
};
