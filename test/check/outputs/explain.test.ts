import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../lib/check/adapters/cli';
import { ALL_RULES } from '../../../lib/check/rules';

/**
 * `cdk-eks-endpoint explain --mode <mode>` (outputs/explain.ts): the flows of a mode with no app.
 */

/** The command line, `cdk-eks-endpoint check <paths...>`: what it prints and the exit code. */
const root = path.join(__dirname, '..', '..', '..');

/** Runs the command in this process, capturing what it writes. */
function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } }) as number;
  return { code, stdout, stderr };
}

describe('explain', () => {
  test.each(['public', 'public-and-private', 'private'])('%s: the flow table and a Mermaid flowchart, from any directory', (mode) => {
    const result = spawnSync(process.execPath, ['-e', `process.exitCode = require(${JSON.stringify(path.join(root, 'build', 'lib', 'check', 'adapters', 'cli.js'))}).main(['explain', '--mode', '${mode}']);`],
      { encoding: 'utf8', cwd: os.tmpdir() });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^# ${mode}: who reaches the Kubernetes API, and how\n`));
    expect(result.stdout).toContain('| client | DNS answer | path | what it needs (rule) |');
    expect(result.stdout).toMatch(/```mermaid\nflowchart LR\n[\s\S]*api -- "private, always" --> kubelet\n```/);
  });

  test('says what differs between the modes: the internet has no path in Private mode, the bastion goes through NAT in Public mode', () => {
    const privateMode = run('explain', '--mode', 'private').stdout;
    expect(privateMode).toContain('| you, on the internet | private (from public DNS) | none: there is no public endpoint |');
    expect(privateMode).toContain('c0 -. "no route" .-x priv');
    expect(privateMode).not.toContain('pub(');
    const publicMode = run('explain', '--mode', 'public').stdout;
    expect(publicMode).toContain('| a bastion or CI runner in the cluster VPC | public | out through the NAT gateway to the public endpoint | the NAT gateway\'s address in publicAccessCidrs (PublicOnlyNodeEgress) |');
    expect(publicMode).not.toContain('priv(');
    const both = run('explain', '--mode', 'public-and-private').stdout;
    expect(both).toContain('ConnectedClientResolution');
    expect(both).toContain('c1 -- "private zone" --> priv');
    expect(both).toContain('c0 -- "public DNS" --> pub');
  });

  test('has rows for hybrid nodes and their pods in every mode, with the hybrid rules', () => {
    const privateMode = run('explain', '--mode', 'private').stdout;
    expect(privateMode).toContain('| hybrid nodes (kubelet, kube-proxy) | private (from public DNS) | across the VPN or Direct Connect to the EKS-owned ENIs |');
    expect(privateMode).toContain('c7["pods on hybrid nodes (the kubernetes service)"]\n  c7 -- "service address" --> priv');
    const both = run('explain', '--mode', 'public-and-private').stdout;
    expect(both).toMatch(/\| hybrid nodes \(kubelet, kube-proxy\) \| public \| the public endpoint: AWS advises Public or Private for hybrid nodes, not both \| .*HybridNodeEndpointMode/);
    const publicMode = run('explain', '--mode', 'public').stdout;
    expect(publicMode).toContain('| pods on hybrid nodes (the kubernetes service) | private | across the VPN or Direct Connect to the EKS-owned ENIs, in every mode |');
    expect(publicMode).not.toContain('"pods on hybrid nodes'); // in the table, not drawn: Public mode has no private endpoint
  });

  test('has a row for the kubectl handler in every mode: outside the VPC in Public mode, in it with private access', () => {
    expect(run('explain', '--mode', 'public').stdout).toMatch(/\| the kubectl handler \(a Lambda function of aws-eks or aws-eks-v2\) \| public \| outside any VPC .*OutsideVpcClientAllowList/);
    expect(run('explain', '--mode', 'public-and-private').stdout).toMatch(/\| the kubectl handler .* \| private \| the private endpoint, from the private subnets, in the cluster security group \| .*OutsideVpcClientAllowList/);
    expect(run('explain', '--mode', 'private').stdout).toMatch(/\| the kubectl handler .* outside any VPC it has no path at all \(ConnectedClientPath\) \|/);
  });

  test('names only rules that exist', () => {
    for (const mode of ['public', 'public-and-private', 'private']) {
      const named = [...run('explain', '--mode', mode).stdout.matchAll(/\b([A-Z][a-z]+(?:[A-Z][a-z0-9]+)+)\b/g)].map((m) => m[1]);
      const ids = ALL_RULES.map((r) => r.id);
      expect(named.filter((n) => !ids.includes(n))).toEqual([]);
    }
  });
});
