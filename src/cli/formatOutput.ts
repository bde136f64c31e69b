import { CliError, exitCodes } from './exitCodes.ts';

/** The `-o` formats of every verb that prints resources. */
export const outputFormats = ['table', 'wide', 'json', 'yaml', 'name'] as const;
export type OutputFormat = (typeof outputFormats)[number];

/** One column of a table: header, cell, and whether only `-o wide` shows it. */
export interface Column<T> {
  header: string;
  cell: (item: T) => string;
  wide?: boolean;
}

/** How a list of one kind prints: its columns and its `-o name` form (`kind/id`). */
export interface ListView<T> {
  columns: readonly Column<T>[];
  name: (item: T) => string;
}

/** Checks an `-o` value; bad usage (exit 2) names the allowed formats. */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  const format = value ?? 'table';
  const known = outputFormats.find((candidate) => candidate === format);
  if (!known)
    throw new CliError(
      `-o must be one of ${outputFormats.join(', ')}, got "${format}"`,
      exitCodes.usage,
    );
  return known;
}

/**
 * Renders `items` (the API's objects, unchanged for json/yaml so `jq` sees the wire shape):
 * json and yaml print `{ items: [...] }` like `kubectl get -o json`, or the single object.
 */
export async function formatOutput<T>(
  format: OutputFormat,
  data: T[] | T,
  view: ListView<T>,
  emptyMessage: string,
): Promise<string> {
  const items = Array.isArray(data) ? data : [data];
  const document = Array.isArray(data) ? { items: data } : data;
  switch (format) {
    case 'json':
      return `${JSON.stringify(document, null, 2)}\n`;
    case 'yaml': {
      // Loaded only here: the YAML library costs ~100 ms of start-up (bench/cli-start).
      const { stringify } = await import('yaml');
      return stringify(document);
    }
    case 'name':
      return items.map((item) => `${view.name(item)}\n`).join('');
    case 'table':
    case 'wide':
      if (items.length === 0) return `${emptyMessage}\n`;
      return renderTable(
        view.columns.filter((column) => format === 'wide' || !column.wide),
        items,
      );
  }
}

/** Left-aligned columns separated by three spaces, headers in capitals (kubectl's look). */
export function renderTable<T>(columns: readonly Column<T>[], items: readonly T[]): string {
  const rows = [
    columns.map((column) => column.header.toUpperCase()),
    ...items.map((item) => columns.map((column) => column.cell(item))),
  ];
  const widths = columns.map((_column, index) =>
    Math.max(...rows.map((row) => visibleLength(row[index] ?? ''))),
  );
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, index) =>
            index === row.length - 1
              ? cell
              : cell + ' '.repeat((widths[index] ?? 0) + 3 - visibleLength(cell)),
          )
          .join('')
          .trimEnd()}\n`,
    )
    .join('');
}

/** "5m", "3h", "2d" from an ISO time and now (injected, so tests never read the clock). */
export function age(iso: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** Length without ANSI colour codes, so coloured cells align. */
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex -- ANSI SGR sequences start with ESC.
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
