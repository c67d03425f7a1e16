/**
 * The values the engine reads out of templates. A value in a template is either known at
 * synth (a literal, a reference to a resource in the templates given, a string built from
 * those) or not: a parameter, a pseudo parameter, an import nobody exports, a condition on
 * a parameter. The evaluator never throws on what a template holds; what it cannot know it
 * returns as `Unknown`, with the reason, and the rules turn that into "not verifiable".
 *
 * The anchors for this layer are the tools that read real templates at scale: cfn-lint keeps
 * parameters and conditions symbolic rather than guessing their values, and cfn-guard treats
 * an unresolved value as neither passing nor failing.
 */

/** A value that cannot be known before deployment, with what it depends on. */
export class Unknown {
  /**
   * @param why what the value depends on, for messages
   * @param key identifies the deploy-time value (a template's parameter), so that two uses of it compare equal
   * @param cut how the value was cut from a resource's attribute, when it was (`Fn::Split`, then `Fn::Select`)
   */
  constructor(public readonly why: string, public readonly key?: string, public readonly cut?: Cut) {}
}

/**
 * A piece of a resource's attribute, known by where it comes from though not by its text:
 * `Fn::Split [delimiter, ref]`, and with `index` the item `Fn::Select` takes of it. This is how a
 * template names the host of a cluster's endpoint, whose `Endpoint` attribute is `https://<host>`:
 * `Fn::Select [2, Fn::Split ["/", Fn::GetAtt Cluster.Endpoint]]`.
 */
export interface Cut {
  readonly ref: ResourceRef;
  readonly delimiter: string;
  readonly index?: number;
}

/** A `Ref` or `Fn::GetAtt` to a resource in the templates given: known identity, unknown physical ID. */
export class ResourceRef {
  constructor(public readonly resource: ResourceLike, public readonly attribute: string) {}
}

/** A string built from literal parts and parts only known at deploy time (`Fn::Sub`, `Fn::Join`). */
export class Text {
  constructor(public readonly parts: ReadonlyArray<string | ResourceRef | Unknown>) {}
}

/** What a reference needs to know of a resource; the full class lives in template-set.ts. */
export interface ResourceLike {
  readonly logicalId: string;
  readonly type: string;
  /** How to name it in messages: its CDK construct path when known, else `<template>/<logicalId>`. */
  readonly display: string;
}

/** An evaluated value: JSON with `Unknown`, `ResourceRef` and `Text` leaves. */
export type Value = string | number | boolean | null | undefined | Unknown | ResourceRef | Text | Value[] | { [key: string]: Value };

/** A fact read at synth time: true, false, or not knowable. */
export type Fact = boolean | 'unknown';

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

export function isRecord(value: unknown): value is { [key: string]: Value } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && !(value instanceof Unknown) && !(value instanceof ResourceRef) && !(value instanceof Text);
}

/** A property path read from a value; an `Unknown` on the way makes the result unknown. */
export function at(value: Value, ...path: string[]): Value {
  let current = value;
  for (const key of path) {
    if (current instanceof Unknown) return current;
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Whether a value holds anything not literal: an unknown, a reference or a built string. */
export function isOpaque(value: Value): boolean {
  if (value instanceof Unknown || value instanceof ResourceRef || value instanceof Text) return true;
  if (Array.isArray(value)) return value.some(isOpaque);
  if (isRecord(value)) return Object.values(value).some(isOpaque);
  return false;
}

/** Whether a value holds an `Unknown` anywhere (references and built strings are known enough). */
export function hasUnknown(value: Value): boolean {
  if (value instanceof Unknown) return true;
  if (value instanceof Text) return value.parts.some((p) => p instanceof Unknown);
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (isRecord(value)) return Object.values(value).some(hasUnknown);
  return false;
}

/** A boolean property: its value, `whenAbsent` when absent, 'unknown' when not literal. */
export function toFact(value: Value, whenAbsent: boolean): Fact {
  if (value === undefined) return whenAbsent;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  // CloudFormation also takes the strings in any case for booleans, and its YAML reader (YAML
  // 1.1, as PyYAML) reads yes/no/on/off as booleans where the loader's YAML 1.2 keeps strings
  if (typeof value === 'string' && /^(true|false|yes|no|on|off)$/i.test(value)) return /^(true|yes|on)$/i.test(value);
  return 'unknown';
}

/** A list property: the list, empty when absent, `Unknown` when the whole list is a deploy-time value. */
export function toList(value: Value): Value[] | Unknown {
  if (value === undefined) return [];
  if (value instanceof Unknown) return value;
  if (Array.isArray(value)) return value;
  return [value];
}

/** A list property as an array: an unknown list is empty here; callers that care use `toList`. */
export function asList(value: Value): Value[] {
  const list = toList(value);
  return list instanceof Unknown ? [] : list;
}

/** The literal string, when the value is one. */
export function literal(value: Value): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** The value for a message: references as `<path>` or `<path.Attribute>`, unknowns as `<why>`. */
export function describe(value: Value): string {
  if (value instanceof Unknown) return `<${value.why}>`;
  if (value instanceof ResourceRef) return `<${value.resource.display}${value.attribute === 'Ref' ? '' : '.' + value.attribute}>`;
  if (value instanceof Text) return value.parts.map((p) => (typeof p === 'string' ? p : describe(p))).join('');
  if (typeof value === 'string') return value;
  if (value === undefined) return '(absent)';
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (isRecord(value)) return `{${Object.entries(value).map(([k, v]) => `${k}: ${describe(v)}`).join(', ')}}`;
  return String(value);
}

/** Deep equality of evaluated values (references by resource and attribute). */
export function sameValue(a: Value, b: Value): boolean {
  if (a instanceof ResourceRef || b instanceof ResourceRef) {
    return a instanceof ResourceRef && b instanceof ResourceRef && a.resource === b.resource && a.attribute === b.attribute;
  }
  if (a instanceof Unknown || b instanceof Unknown) return false;
  if (a instanceof Text || b instanceof Text) {
    return a instanceof Text && b instanceof Text && a.parts.length === b.parts.length && a.parts.every((p, i) => sameValue(p, b.parts[i]));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isRecord(a) || isRecord(b)) {
    if (!isRecord(a) || !isRecord(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => sameValue(a[k], b[k]));
  }
  return a === b;
}

/** The items once each, in order. */
export function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
