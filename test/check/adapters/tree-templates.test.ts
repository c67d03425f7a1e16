import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eksV1 from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import { EndpointAccessChecks } from '../../../lib';
import { propertyNames, READS, renderTree } from '../../../lib/check/adapters/tree-templates';
import { analyze } from '../../../lib/check/engine/analyze';
import { TemplateInput } from '../../../lib/check/engine/read/input';
import { loadInputs } from '../../../lib/check/engine/read/load';
import { Resource } from '../../../lib/check/engine/template/template-set';
import { ALL_RULES } from '../../../lib/check/rules';
import { baseTemplate, MODES, READ_PATHS, v1BaseTemplate } from '../../support/fuzz-templates';
import { testApp } from '../../support/util';

/** The templates of an app as rendered from its tree and as `cdk synth` writes them, by stack. */
function renderedAndSynthesized(app: ReturnType<typeof testApp>): Array<{ id: string; rendered: Record<string, any>; synthesized: Record<string, any> }> {
  const rendered = renderTree(app, true).inputs;
  const assembly = app.synth();
  return rendered.map((input) => ({
    id: input.id,
    rendered: input.template as Record<string, any>,
    synthesized: assembly.getStackByName(input.stackName!).template,
  }));
}

describe('a plain CfnResource (properties by their CloudFormation names)', () => {
  test('its properties are rendered as cdk synth writes them, not dropped', () => {
    // GIVEN a VPC made as a plain CfnResource, DNS hostnames off
    const app = testApp();
    const stack = new Stack(app, 'Plain');
    new CfnResource(stack, 'Vpc', { type: 'AWS::EC2::VPC', properties: { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: false } });
    // WHEN the tree is rendered
    const [{ rendered, synthesized }] = renderedAndSynthesized(app);
    // THEN the engine reads what cdk synth writes
    expect(JSON.parse(JSON.stringify(rendered.Resources.Vpc.Properties))).toEqual(synthesized.Resources.Vpc.Properties);
  });

  test('so the pack judges it: a cluster in that VPC has its DNS hostnames error', () => {
    const app = testApp();
    const stack = new Stack(app, 'Plain');
    const vpc = new CfnResource(stack, 'Vpc', { type: 'AWS::EC2::VPC', properties: { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: false, EnableDnsSupport: true } });
    const subnet = new CfnResource(stack, 'Subnet', { type: 'AWS::EC2::Subnet', properties: { VpcId: vpc.ref, CidrBlock: '10.0.0.0/24' } });
    new CfnResource(stack, 'Cluster', {
      type: 'AWS::EKS::Cluster',
      properties: {
        RoleArn: 'arn:aws:iam::123456789012:role/eks',
        ResourcesVpcConfig: { SubnetIds: [subnet.ref], EndpointPublicAccess: false, EndpointPrivateAccess: true },
      },
    });
    const rules = new EndpointAccessChecks().validateScope(app).violations.map((v) => v.ruleName);
    expect(rules).toContain('EndpointAccess-VpcDnsHostnames');
  });
});

describe('READS, what the tree reader renders, covers what the engine reads', () => {
  /** Every resource type's property the engine reads (top-level name) on the given inputs, by type. */
  function readsOf(inputs: TemplateInput[]): Map<string, Set<string>> {
    const read = new Map<string, Set<string>>();
    const descriptor = Object.getOwnPropertyDescriptor(Resource.prototype, 'properties')!;
    Object.defineProperty(Resource.prototype, 'properties', {
      configurable: true,
      get(this: Resource) {
        const properties = descriptor.get!.call(this) as Record<string, unknown>;
        const type = this.type;
        return new Proxy(properties, {
          get(target, key) {
            if (typeof key === 'string') read.set(type, (read.get(type) ?? new Set()).add(key));
            return Reflect.get(target, key);
          },
        });
      },
    });
    try {
      analyze(inputs, ALL_RULES);
    } finally {
      Object.defineProperty(Resource.prototype, 'properties', descriptor);
    }
    return read;
  }

  /** What READS lacks of `read`, as "type property". */
  function missing(read: Map<string, Set<string>>): string[] {
    return [...read].flatMap(([type, keys]) => [...keys]
      .filter((key) => !(READS[type] === 'all' || (READS[type] ?? []).includes(key)))
      .map((key) => `${type} ${key}`));
  }

  test('on every template of the corpus and the CLI fixtures', () => {
    const dir = path.join(__dirname, '..', '..', 'corpus');
    const files = [
      ...fs.readdirSync(dir).filter((f) => /\.(json|ya?ml)$/.test(f) || fs.statSync(path.join(dir, f)).isDirectory()).map((f) => path.join(dir, f)),
      ...fs.readdirSync(path.join(__dirname, '..', '..', 'cli-fixtures')).map((f) => path.join(__dirname, '..', '..', 'cli-fixtures', f)),
    ];
    const read = new Map<string, Set<string>>();
    for (const file of files) {
      let inputs: TemplateInput[];
      try {
        inputs = loadInputs([file]);
      } catch {
        continue; // a fixture of unusable input
      }
      for (const [type, keys] of readsOf(inputs)) read.set(type, new Set([...(read.get(type) ?? []), ...keys]));
    }
    expect(read.size).toBeGreaterThan(10);
    // a SAM function is read by the CLI; in a construct tree it is a CfnResource the reader gives by type
    expect(missing(read).filter((m) => !m.startsWith('AWS::Serverless::'))).toEqual([]);
  });

  test('on the fuzz templates of each mode, every path the fuzz reads', () => {
    const read = new Map<string, Set<string>>();
    for (const mode of MODES) {
      for (const template of [baseTemplate(mode), v1BaseTemplate(mode)]) {
        for (const [type, keys] of readsOf([{ id: mode, template }])) read.set(type, new Set([...(read.get(type) ?? []), ...keys]));
      }
    }
    for (const [type, paths] of Object.entries(READ_PATHS)) {
      for (const p of paths) {
        const [section, key] = p.split('.');
        if (section === 'Properties' && key) read.set(type, (read.get(type) ?? new Set()).add(key));
      }
    }
    expect(missing(read)).toEqual([]);
  });

  test('every property READS lists is one its aws-cdk-lib L1 has (by its CloudFormation name)', () => {
    const stack = new Stack(testApp(), 'Names');
    let n = 0;
    /** An L1 with only its required properties, each a placeholder of the type its constructor takes. */
    const make = (l1: new (scope: Construct, id: string, props: Record<string, unknown>) => CfnResource): CfnResource => {
      const props: Record<string, unknown> = {};
      for (;;) {
        try {
          return new l1(stack, `L1${n++}`, props);
        } catch (e) {
          const required = /missing required property: (\w+)/.exec((e as Error).message)?.[1];
          const stringOrRef = /Property (\w+) should be one of/.exec((e as Error).message)?.[1];
          if (stringOrRef) props[stringOrRef] = 'placeholder';
          else if (required && !(required in props)) props[required] = ['placeholder'];
          else throw e;
        }
      }
    };
    const l1s = new Map<string, Array<new (scope: Construct, id: string, props: Record<string, unknown>) => CfnResource>>();
    for (const module of [ec2, eks, eksV1, iam, autoscaling, lambda, route53resolver, cloudformation]) {
      for (const value of Object.values(module)) {
        const type = (value as { CFN_RESOURCE_TYPE_NAME?: unknown }).CFN_RESOURCE_TYPE_NAME;
        if (typeof value === 'function' && typeof type === 'string' && type in READS) l1s.set(type, [...(l1s.get(type) ?? []), value as any]);
      }
    }
    const problems: string[] = [];
    for (const [type, reads] of Object.entries(READS)) {
      if (reads === 'all' || type.startsWith('Custom::') || type.startsWith('AWSQS::')) continue;
      if (!l1s.has(type)) problems.push(`${type}: no L1 found`);
      for (const l1 of l1s.get(type) ?? []) {
        const names = propertyNames(make(l1));
        if (!names) problems.push(`${type}: the names of its L1 ${l1.name} could not be learnt`);
        for (const key of reads) if (names && !names.has(key)) problems.push(`${type} ${key}: not a property of ${l1.name}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
