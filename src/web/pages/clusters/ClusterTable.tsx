import { Anchor, Box, Group, Skeleton, Table, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconClockHour4, IconSelector } from '@tabler/icons-react';
import { Link } from 'react-router-dom';

import type { ClusterSortColumn, ClusterSummary } from '../../../shared/api/clusterSchemas.ts';
import { StatusChip } from '../../components/StatusChip.tsx';
import { clusterRowKey } from '../../hooks/useClusterList.ts';
import { usePagedVirtualRows } from '../../hooks/usePagedVirtualRows.ts';
import { formatAge, formatTimestamp } from './formatAge.ts';
import { formatGpus } from './formatGpus.ts';

/** The list's order, as its column headers show it; `age` ascending means newest first. */
export interface ClusterSort {
  column: ClusterSortColumn;
  direction: 'ascending' | 'descending';
}

/** Height of one row in pixels; fixed, so 10,000 rows need no measuring. */
export const clusterRowHeight = 48;

/** Rows rendered beyond the visible window on each side. */

/** Column widths in pixels; the name column takes the rest (at least {@link nameMinWidth}). */
const columns: readonly { id: ClusterSortColumn; label: string; width?: number }[] = [
  { id: 'name', label: 'Name' },
  { id: 'phase', label: 'Status', width: 130 },
  { id: 'team', label: 'Team', width: 104 },
  { id: 'owner', label: 'Owner', width: 100 },
  { id: 'template', label: 'Template', width: 110 },
  { id: 'workers', label: 'Workers', width: 92 },
  { id: 'gpus', label: 'GPUs', width: 224 },
  { id: 'age', label: 'Age', width: 64 },
];

/** Narrowest name column before the table scrolls sideways, in pixels. */
const nameMinWidth = 180;
const tableMinWidth = nameMinWidth + columns.reduce((sum, column) => sum + (column.width ?? 0), 0);

/** Cell style: one line, cut with an ellipsis, so every row has the same height. */
const oneLine = { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' } as const;

/** The link to a cluster's detail page. */
export function clusterPath(row: Pick<ClusterSummary, 'namespace' | 'name'>): string {
  return `/clusters/${encodeURIComponent(row.namespace)}/${encodeURIComponent(row.name)}`;
}

function SortHeader({
  column,
  sort,
  onSort,
}: {
  column: (typeof columns)[number];
  sort: ClusterSort;
  onSort: (column: ClusterSortColumn) => void;
}) {
  const active = sort.column === column.id;
  const Icon = !active
    ? IconSelector
    : sort.direction === 'ascending'
      ? IconArrowUp
      : IconArrowDown;
  return (
    <Table.Th
      style={column.width ? { width: column.width } : undefined}
      aria-sort={active ? sort.direction : 'none'}
    >
      <UnstyledButton
        onClick={() => onSort(column.id)}
        fw={600}
        fz="sm"
        style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
      >
        {column.label}
        <Icon size={14} aria-hidden style={{ opacity: active ? 1 : 0.4 }} />
      </UnstyledButton>
    </Table.Th>
  );
}

function ClusterRow({ row, index, now }: { row: ClusterSummary; index: number; now: number }) {
  const behind = row.workers.ready < row.workers.desired;
  // A parked cluster wants no workers: "0/0" would read as ready.
  const parked = row.phase === 'Suspended' || row.phase === 'Suspending';
  return (
    <Table.Tr aria-rowindex={index + 2} style={{ height: clusterRowHeight }}>
      <Table.Td style={oneLine}>
        <Anchor component={Link} to={clusterPath(row)} fw={600} title={row.name}>
          {row.name}
        </Anchor>
      </Table.Td>
      <Table.Td style={oneLine}>
        <StatusChip phase={row.phase} title={row.reason || row.phase} />
      </Table.Td>
      <Table.Td style={oneLine}>{row.namespace}</Table.Td>
      <Table.Td style={oneLine}>
        {row.owner ??
          (row.origin === 'external' ? (
            <Text span c="dimmed" size="sm" title="Created outside Raydeck">
              external
            </Text>
          ) : (
            '—'
          ))}
      </Table.Td>
      <Table.Td style={oneLine}>{row.template ?? '—'}</Table.Td>
      <Table.Td
        style={oneLine}
        title={
          parked
            ? `No workers: ${row.phase.toLowerCase()}`
            : `${row.workers.ready} of ${row.workers.desired} workers ready`
        }
      >
        {parked ? (
          <Text span size="sm" c="dimmed">
            {row.phase.toLowerCase()}
          </Text>
        ) : (
          <Group gap={4} wrap="nowrap">
            <Text span size="sm" fw={behind ? 700 : undefined}>
              {row.workers.ready}/{row.workers.desired}
            </Text>
            {behind && (
              <IconClockHour4
                size={14}
                aria-hidden
                color="var(--mantine-color-orange-light-color)"
              />
            )}
          </Group>
        )}
      </Table.Td>
      <Table.Td style={oneLine} title={row.gpus.products.join(', ') || undefined}>
        {formatGpus(row.gpus)}
      </Table.Td>
      <Table.Td style={oneLine} title={formatTimestamp(row.createdAt)}>
        {formatAge(row.createdAt, now)}
      </Table.Td>
    </Table.Tr>
  );
}

/** Props of {@link ClusterTable}. */
export interface ClusterTableProps {
  /** The rows loaded so far, as the server filtered and sorted them. */
  rows: readonly ClusterSummary[];
  /** How many rows the view has in all (loaded or not). */
  total: number;
  /** Asks for the next page; called when the rows in view near the last loaded one. */
  onNeedMore?: () => void;
  sort: ClusterSort;
  onSort: (column: ClusterSortColumn) => void;
  /** Current time in epoch milliseconds, for the age column. */
  now: number;
  /** Shows skeleton rows instead of data. */
  loading?: boolean;
}

/**
 * The clusters as a table whose rows are virtualised (`@tanstack/react-virtual`): only the
 * rows in view plus a few either side are in the DOM, so 10,000 clusters scroll smoothly, and
 * the next page is asked for (`onNeedMore`) as the view nears the last row loaded.
 * It is a real `<table>` (spacer rows stand for the rows not rendered; `aria-rowcount` and
 * `aria-rowindex` tell assistive technology the true size). Column headers are buttons that
 * sort, with `aria-sort` on the header cell.
 */
export function ClusterTable({
  rows,
  total,
  onNeedMore,
  sort,
  onSort,
  now,
  loading = false,
}: ClusterTableProps) {
  const { scrollRef, items, padTop, padBottom } = usePagedVirtualRows({
    rows,
    total,
    onNeedMore,
    loading,
    rowHeight: clusterRowHeight,
    keyOf: clusterRowKey,
  });

  return (
    <Box
      ref={scrollRef}
      style={{ maxHeight: 'calc(100dvh - 260px)', minHeight: 200, overflow: 'auto' }}
      data-testid="cluster-table-scroll"
    >
      <Table
        stickyHeader
        highlightOnHover
        layout="fixed"
        miw={tableMinWidth}
        aria-label="Clusters"
        aria-rowcount={loading ? -1 : Math.max(total, rows.length) + 1}
        aria-busy={loading}
      >
        <Table.Thead>
          <Table.Tr aria-rowindex={1}>
            {columns.map((column) => (
              <SortHeader key={column.id} column={column} sort={sort} onSort={onSort} />
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {loading &&
            Array.from({ length: 8 }, (_, index) => (
              <Table.Tr key={index} style={{ height: clusterRowHeight }} data-testid="skeleton-row">
                {columns.map((column) => (
                  <Table.Td key={column.id}>
                    <Skeleton
                      height={12}
                      radius="sm"
                      width={column.id === 'name' ? '70%' : '60%'}
                    />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          {padTop > 0 && (
            <tr aria-hidden>
              <td colSpan={columns.length} style={{ height: padTop, padding: 0, border: 0 }} />
            </tr>
          )}
          {items.map((item) => {
            const row = rows[item.index];
            return row ? (
              <ClusterRow key={item.key} row={row} index={item.index} now={now} />
            ) : null;
          })}
          {padBottom > 0 && (
            <tr aria-hidden>
              <td colSpan={columns.length} style={{ height: padBottom, padding: 0, border: 0 }} />
            </tr>
          )}
        </Table.Tbody>
      </Table>
    </Box>
  );
}
