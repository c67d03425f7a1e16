import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The public names are the API contract, and jsii must accept them (Python and Java users
 * come later). `npm ci` runs jsii through the prepare script; this reads its assembly.
 */
const ASSEMBLY = path.join(__dirname, '..', '.jsii');

describe('the jsii assembly', () => {
  const assembly = fs.existsSync(ASSEMBLY) ? JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8')) : undefined;

  test('exists (run npm run build if not)', () => {
    expect(assembly).toBeDefined();
  });

  test('exports the contract names, and nothing from lib/private', () => {
    const types = Object.keys(assembly.types).sort();
    expect(types).toEqual([
      'cdk-eks-endpoint.ClusterBastion',
      'cdk-eks-endpoint.ClusterBastionOptions',
      'cdk-eks-endpoint.ClusterBastionProps',
      'cdk-eks-endpoint.ClusterCompute',
      'cdk-eks-endpoint.ClusterEgress',
      'cdk-eks-endpoint.EndpointAccessChecks',
      'cdk-eks-endpoint.EndpointCluster',
      'cdk-eks-endpoint.EndpointClusterProps',
      'cdk-eks-endpoint.EndpointMode',
      'cdk-eks-endpoint.PrivateResolutionCheck',
      'cdk-eks-endpoint.PrivateResolutionCheckProps',
    ]);
  });

  test('has a Python target', () => {
    expect(assembly.targets.python).toEqual({ distName: 'cdk-eks-endpoint', module: 'cdk_eks_endpoint' });
  });

  test('EndpointMode has the three modes, of() and onlyFrom()', () => {
    const mode = assembly.types['cdk-eks-endpoint.EndpointMode'];
    const names = [...mode.properties, ...mode.methods].map((m: { name: string }) => m.name).sort();
    expect(names).toEqual(expect.arrayContaining([
      'PUBLIC', 'PUBLIC_AND_PRIVATE', 'PRIVATE', 'of', 'onlyFrom', 'publicAccess', 'privateAccess', 'publicAccessCidrs',
    ]));
  });

  test('ClusterEgress and ClusterCompute are plain enums with the issue\'s members', () => {
    expect(assembly.types['cdk-eks-endpoint.ClusterEgress'].members.map((m: { name: string }) => m.name)).toEqual(['NAT_GATEWAY', 'ISOLATED']);
    expect(assembly.types['cdk-eks-endpoint.ClusterCompute'].members.map((m: { name: string }) => m.name)).toEqual(['NODEGROUP', 'AUTO_MODE']);
    const props = assembly.types['cdk-eks-endpoint.EndpointClusterProps'].properties.map((p: { name: string }) => p.name);
    expect(props).toEqual(expect.arrayContaining(['egress', 'compute', 'connectedVpcs', 'connectedCidrs', 'remoteNodeNetworks', 'remotePodNetworks']));
  });

  test('the package entry point loads the compiled library: require(\'cdk-eks-endpoint\')', () => {
    const root = path.join(__dirname, '..');
    const exported = execFileSync(process.execPath, ['-e', "console.log(Object.keys(require('.')).sort().join(' '))"], { cwd: root, encoding: 'utf8' });
    expect(exported.trim()).toBe('ClusterBastion ClusterCompute ClusterEgress EndpointAccessChecks EndpointCluster EndpointMode PrivateResolutionCheck');
    expect(require(path.join(root, 'package.json')).main).toBe('lib/index.js');
  });
});
