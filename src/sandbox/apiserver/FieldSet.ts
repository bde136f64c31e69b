/**
 * A set of field paths, as server-side apply tracks ownership (sigs.k8s.io/structured-merge-diff
 * `fieldpath.Set`): a tree whose nodes are path elements, each either a member of the set, the
 * parent of members, or both. Path elements are kept in their `FieldsV1` spelling:
 * - `f:<name>` a field of a map,
 * - `k:{"name":"x"}` an item of a list-map by its keys (JSON, keys sorted),
 * - `v:<json>` an item of a set by its value,
 * - `i:<n>` an item by index (lists without keys inside non-atomic parents; rare).
 */

/** One element of a path, in FieldsV1 spelling (`f:spec`, `k:{"name":"a"}`, `v:"x"`, `i:0`). */
export type PathElement = string;

/** Element kinds in structured-merge-diff's order: field names, keys, values, indices. */
const kindOrder: Readonly<Record<string, number>> = { f: 0, k: 1, v: 2, i: 3 };

/** Orders elements as structured-merge-diff sorts them (field names first, then by value). */
export function comparePathElements(left: PathElement, right: PathElement): number {
  const kindDelta = (kindOrder[left[0] ?? ''] ?? 9) - (kindOrder[right[0] ?? ''] ?? 9);
  if (kindDelta !== 0) return kindDelta;
  if (left.startsWith('i:')) return Number(left.slice(2)) - Number(right.slice(2));
  return left < right ? -1 : left > right ? 1 : 0;
}

/** `f:name` for a map field. */
export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** `k:{…}` for a list-map item: its key fields, sorted by name, as JSON. */
export function keyElement(keys: Readonly<Record<string, unknown>>): PathElement {
  const sorted = Object.keys(keys).sort();
  return `k:{${sorted.map((name) => `${JSON.stringify(name)}:${JSON.stringify(keys[name])}`).join(',')}}`;
}

/** `v:<json>` for a set item. */
export function valueElement(value: unknown): PathElement {
  return `v:${JSON.stringify(value)}`;
}

/** Go's `value.ToString`: strings quoted (`%q`), everything else as JSON. */
function goValueString(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * The path as structured-merge-diff prints it in conflicts: `.spec.containers[name="a"].image`,
 * `.metadata.finalizers[="x"]`, `[0]`.
 */
export function pathString(path: readonly PathElement[]): string {
  return path
    .map((element) => {
      const body = element.slice(2);
      switch (element[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const keys = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.keys(keys)
            .sort()
            .map((name) => `${name}=${goValueString(keys[name])}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${goValueString(JSON.parse(body))}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

/** A tree of path elements; every method returns a new set and leaves its inputs untouched. */
export class FieldSet {
  /** Elements at this level that are themselves in the set. */
  readonly members = new Set<PathElement>();
  /** Subtrees under elements at this level. */
  readonly children = new Map<PathElement, FieldSet>();

  /** Decodes a `fieldsV1` object; `.` marks its parent as a member. Malformed input throws. */
  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
      throw new Error('fieldsV1 must be an object');
    }
    for (const [element, value] of Object.entries(fields)) {
      if (element === '.') continue;
      if (!/^[fkvi]:/.test(element)) throw new Error(`invalid path element "${element}"`);
      const inner = value as Record<string, unknown>;
      if (typeof inner !== 'object' || inner === null) {
        throw new Error(`fieldsV1 entry "${element}" must be an object`);
      }
      const keys = Object.keys(inner);
      if (keys.length === 0 || keys.includes('.')) set.members.add(element);
      if (keys.some((key) => key !== '.')) set.children.set(element, FieldSet.fromFieldsV1(inner));
    }
    return set;
  }

  /** A set of the given paths. */
  static of(paths: readonly (readonly PathElement[])[]): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  /** The `fieldsV1` encoding, elements sorted as structured-merge-diff writes them. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const elements = [...new Set([...this.members, ...this.children.keys()])].sort(
      comparePathElements,
    );
    for (const element of elements) {
      const child = this.children.get(element);
      if (!child) {
        out[element] = {};
        continue;
      }
      out[element] = {
        ...(this.members.has(element) ? { '.': {} } : {}),
        ...child.toFieldsV1(),
      };
    }
    return out;
  }

  /** Adds a path (mutates; used while building). */
  insert(path: readonly PathElement[]): void {
    const [first, ...rest] = path;
    if (first === undefined) return;
    if (rest.length === 0) {
      this.members.add(first);
      return;
    }
    let child = this.children.get(first);
    if (!child) {
      child = new FieldSet();
      this.children.set(first, child);
    }
    child.insert(rest);
  }

  /** Whether `path` is a member. */
  has(path: readonly PathElement[]): boolean {
    const [first, ...rest] = path;
    if (first === undefined) return false;
    if (rest.length === 0) return this.members.has(first);
    return this.children.get(first)?.has(rest) ?? false;
  }

  /** The subtree under one element (empty when there is none). */
  withPrefix(element: PathElement): FieldSet {
    return this.children.get(element) ?? new FieldSet();
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  /** Every member path: members of a level before the levels below, as `Set.Iterate`. */
  paths(): PathElement[][] {
    const out: PathElement[][] = [];
    const visit = (set: FieldSet, prefix: PathElement[]): void => {
      for (const element of [...set.members].sort(comparePathElements))
        out.push([...prefix, element]);
      for (const element of [...set.children.keys()].sort(comparePathElements)) {
        visit(set.children.get(element) as FieldSet, [...prefix, element]);
      }
    };
    visit(this, []);
    return out;
  }

  equals(other: FieldSet): boolean {
    if (this.members.size !== other.members.size || this.children.size !== other.children.size) {
      return false;
    }
    for (const member of this.members) if (!other.members.has(member)) return false;
    for (const [element, child] of this.children) {
      const otherChild = other.children.get(element);
      if (!otherChild || !child.equals(otherChild)) return false;
    }
    return true;
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const member of [...this.members, ...other.members]) out.members.add(member);
    for (const element of new Set([...this.children.keys(), ...other.children.keys()])) {
      const mine = this.children.get(element);
      const theirs = other.children.get(element);
      const merged = mine && theirs ? mine.union(theirs) : (mine ?? theirs)?.union(new FieldSet());
      if (merged && !merged.isEmpty()) out.children.set(element, merged);
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const member of this.members) if (other.members.has(member)) out.members.add(member);
    for (const [element, child] of this.children) {
      const theirs = other.children.get(element);
      if (!theirs) continue;
      const shared = child.intersection(theirs);
      if (!shared.isEmpty()) out.children.set(element, shared);
    }
    return out;
  }

  /** Members of this set that are not members of `other` (children compared level by level). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const member of this.members) if (!other.members.has(member)) out.members.add(member);
    for (const [element, child] of this.children) {
      const theirs = other.children.get(element);
      const rest = theirs ? child.difference(theirs) : child.union(new FieldSet());
      if (!rest.isEmpty()) out.children.set(element, rest);
    }
    return out;
  }

  /** As {@link difference}, and also without anything under a member of `other`. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const member of this.members) if (!other.members.has(member)) out.members.add(member);
    for (const [element, child] of this.children) {
      if (other.members.has(element)) continue;
      const theirs = other.children.get(element);
      const rest = theirs ? child.recursiveDifference(theirs) : child.union(new FieldSet());
      if (!rest.isEmpty()) out.children.set(element, rest);
    }
    return out;
  }
}
