/** One step of a field path: a mapping key or a sequence index. */
type PathSegment = { key: string } | { index: number };

/** `spec.workerGroupSpecs[0].replicas` → key, key, index, key; a non-numeric `[name]` is a key. */
function pathSegments(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    const [, key, bracket] = match;
    if (key !== undefined) segments.push({ key });
    else if (bracket !== undefined) {
      segments.push(/^\d+$/.test(bracket) ? { index: Number(bracket) } : { key: bracket });
    }
  }
  return segments;
}

interface YamlLine {
  /** Columns of leading spaces. */
  indent: number;
  /** Column where the line's content starts after any `- ` item markers. */
  contentColumn: number;
  /** Column of the first `- ` item marker, when the line starts an item. */
  itemColumn: number | undefined;
  /** The mapping key the line starts with, quotes removed. */
  key: string | undefined;
  /** Blank or comment-only: ignored when judging blocks. */
  blank: boolean;
}

function describeLine(text: string): YamlLine {
  const indent = /^ */.exec(text)?.[0].length ?? 0;
  const rest = text.slice(indent);
  const markers = /^(?:- +)*/.exec(rest)?.[0] ?? '';
  const content = rest.slice(markers.length);
  const key = /^("[^"]*"|'[^']*'|[^\s:#'"][^:#]*?)\s*:(?:\s|$)/.exec(content)?.[1];
  return {
    indent,
    contentColumn: indent + markers.length,
    itemColumn: markers ? indent : undefined,
    key: key?.replace(/^(["'])(.*)\1$/, '$2'),
    blank: content.trim() === '' || content.startsWith('#'),
  };
}

/**
 * The 1-based line of a field path in a YAML document as `yaml`'s stringify writes it (block
 * style, one key per line), so a Kubernetes field error such as
 * `spec.workerGroupSpecs[0].replicas` can point at its line. When only a prefix of the path is
 * found (a missing field), the line of the deepest part found; undefined when not even the
 * first key is there. A line scan, not a parser: flow-style collections are not followed.
 */
export function yamlLineOfPath(yaml: string, path: string): number | undefined {
  const lines = yaml.split('\n').map(describeLine);
  let from = 0;
  let to = lines.length;
  let found: number | undefined;
  for (const segment of pathSegments(path)) {
    const inside = lines.slice(from, to).map((line, offset) => ({ line, at: from + offset }));
    const first = inside.find(({ line }) => !line.blank);
    if (!first) break;
    let hit: number | undefined;
    if ('key' in segment) {
      const column = first.line.contentColumn;
      hit = inside.find(
        ({ line }) => line.contentColumn === column && line.key === segment.key,
      )?.at;
      if (hit === undefined) break;
      const keyColumn = column;
      to = blockEnd(lines, hit, to, (line) => line.indent > keyColumn || isItemAt(line, keyColumn));
    } else {
      const column = first.line.itemColumn;
      if (column === undefined) break;
      const items = inside.filter(({ line }) => isItemAt(line, column));
      hit = items[segment.index]?.at;
      if (hit === undefined) break;
      to = blockEnd(lines, hit, to, (line) => line.indent > column);
    }
    // An item's first line (`- name: x`) already holds its first key.
    from = 'index' in segment ? hit : hit + 1;
    found = hit;
  }
  return found === undefined ? undefined : found + 1;
}

/** Whether `line` starts a sequence item whose `- ` marker is at `column`. */
function isItemAt(line: YamlLine, column: number): boolean {
  return line.itemColumn === column;
}

/** The index after the last line of the block that starts at `start`. */
function blockEnd(
  lines: readonly YamlLine[],
  start: number,
  limit: number,
  belongs: (line: YamlLine) => boolean,
): number {
  let end = start + 1;
  while (end < limit) {
    const line = lines[end];
    if (!line || (!line.blank && !belongs(line))) break;
    end += 1;
  }
  return end;
}
