import { Resource, TemplateSet } from './template-set';
import { asList, ResourceRef, Value } from './value';

/**
 * The resources of a template set by type, and who refers to whom. Lookups are constant
 * time: the referrer map for a type and property is built once, since a scan per lookup
 * would make the check quadratic in the size of the app.
 */
export class ResourceIndex {
  private readonly byType = new Map<string, Resource[]>();
  private readonly referrerMaps = new Map<string, Map<Resource, Resource[]>>();

  constructor(public readonly set: TemplateSet) {
    for (const resource of set.resources()) {
      const list = this.byType.get(resource.type) ?? [];
      list.push(resource);
      this.byType.set(resource.type, list);
    }
  }

  public ofType(type: string): Resource[] {
    return this.byType.get(type) ?? [];
  }

  /** The resources of `type` whose `property` refers to `target` (any attribute), directly or as a list item. */
  public referrers(type: string, property: string, target: Resource): Resource[] {
    const key = `${type}|${property}`;
    let map = this.referrerMaps.get(key);
    if (!map) {
      map = new Map();
      for (const resource of this.ofType(type)) {
        for (const item of asList(resource.properties[property])) {
          const referred = refOf(item)?.resource;
          if (referred) map.set(referred, [...(map.get(referred) ?? []), resource]);
        }
      }
      this.referrerMaps.set(key, map);
    }
    return map.get(target) ?? [];
  }

  /** The resource a value refers to, if it is one (of type `type`, when given). */
  public deref(value: Value, type?: string): Resource | undefined {
    const target = refOf(value)?.resource;
    return target && (type === undefined || target.type === type) ? target : undefined;
  }
}

/** The reference a value is, when the whole value is one `Ref` or `Fn::GetAtt` to a resource given. */
export function refOf(value: Value): { resource: Resource; attribute: string } | undefined {
  return value instanceof ResourceRef && value.resource instanceof Resource ? { resource: value.resource, attribute: value.attribute } : undefined;
}

/** Whether a value refers to `target` (any attribute). */
export function refersTo(value: Value, target: Resource | undefined): boolean {
  return target !== undefined && refOf(value)?.resource === target;
}
