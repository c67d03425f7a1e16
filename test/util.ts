import { App, AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * An app for tests: CDK's built-in CloudFormation validation is off (it costs ~2.7 s a
 * synth of the lab stack; the lab test runs it once on purpose), and the 36 MB kubectl
 * asset is not copied into every temporary cloud assembly.
 */
export function testApp(props: AppProps = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    treeMetadata: false,
    ...props,
    context: { 'aws:cdk:disable-asset-staging': true, ...props.context },
  });
}

/** The ResourcesVpcConfig of the one EKS cluster in a template: endpoint flags, allow-list, subnets. */
export function vpcConfig(template: Template): Record<string, unknown> {
  const [cluster] = Object.values(template.findResources('AWS::EKS::Cluster'));
  return cluster.Properties.ResourcesVpcConfig;
}
