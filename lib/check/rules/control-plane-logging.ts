import { ClusterView } from '../engine/model';
import { at, hasUnknown, toList, Unknown } from '../engine/template/value';
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
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html',
  check(cluster: ClusterView): Finding[] {
    const types = toList(at(cluster.properties.Logging, 'ClusterLogging', 'EnabledTypes'));
    if (types instanceof Unknown || types.some((t) => hasUnknown(t))) {
      return [notVerifiable('the enabled log types are a deploy-time value. Confirm api, audit, authenticator, controllerManager and scheduler are on.')];
    }
    const enabled = types.map((t) => at(t, 'Type'));
    const missing = LOG_TYPES.filter((t) => !enabled.includes(t));
    return missing.length === 0 ? [] : [violation(this, `Control-plane log types not enabled: ${missing.join(', ')}. ` +
      'Set clusterLogging to all five ClusterLoggingTypes.')];
  },
};
