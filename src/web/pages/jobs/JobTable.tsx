import { Anchor, Box, Skeleton, Table, Text } from '@mantine/core';
import type { CSSProperties } from 'react';
import { Link } from 'react-router-dom';

import type { JobSummary } from '../../../shared/api/jobSchemas.ts';
import { usePagedVirtualRows } from '../../hooks/usePagedVirtualRows.ts';
import { formatAge, formatTimestamp } from '../clusters/formatAge.ts';
import { formatGpuHours, jobDuration, jobPath, jobTitle } from './formatJob.ts';
import { JobPhaseBadge } from './JobPhaseBadge.tsx';

/** Height of one row, in pixels. */
const rowHeight = 44;
const oneLine: CSSProperties = {
  whiteSpace: 'nowrap',
  overflow: 'hidden',
  textOverflow: 'ellipsis',
};

const columns = [
  { id: 'job', label: 'Job', width: '18%' },
  { id: 'status', label: 'Status', width: 120 },
  { id: 'cluster', label: 'Cluster', width: '14%' },
  { id: 'owner', label: 'Owner', width: '9%' },
  { id: 'entrypoint', label: 'Entrypoint', width: '25%' },
  { id: 'age', label: 'Age', width: 70 },
  { id: 'duration', label: 'Duration', width: 90 },
  { id: 'gpu', label: 'GPU time', width: 100 },
] as const;

function JobRow({ job, index, now }: { job: JobSummary; index: number; now: number }) {
  return (
    <Table.Tr style={{ height: rowHeight }} aria-rowindex={index + 2}>
      <Table.Td style={oneLine}>
        <Anchor component={Link} to={jobPath(job)} size="sm" fw={600}>
          {jobTitle(job)}
        </Anchor>
        <Text span size="xs" c="dimmed" ml={6}>
          {job.team}
        </Text>
      </Table.Td>
      <Table.Td style={oneLine}>
        <JobPhaseBadge phase={job.status.phase} title={job.status.message} />
      </Table.Td>
      <Table.Td style={oneLine}>
        {job.cluster === undefined ? (
          <Text span size="sm" c="dimmed">
            not yet
          </Text>
        ) : job.clusterGone ? (
          <Text span size="sm" c="dimmed" title="The cluster is gone; the job’s record stays">
            {job.cluster} (gone)
          </Text>
        ) : (
          <Anchor
            component={Link}
            to={`/clusters/${encodeURIComponent(job.team)}/${encodeURIComponent(job.cluster)}`}
            size="sm"
          >
            {job.cluster}
          </Anchor>
        )}
      </Table.Td>
      <Table.Td style={oneLine}>
        {job.owner ?? (
          <Text span size="sm" c="dimmed" title="Submitted around the portal">
            external
          </Text>
        )}
      </Table.Td>
      <Table.Td style={oneLine} title={job.entrypoint}>
        <Text span ff="monospace" size="xs">
          {job.entrypoint}
        </Text>
      </Table.Td>
      <Table.Td style={oneLine} title={formatTimestamp(job.createdAt)}>
        {formatAge(job.createdAt, now)}
      </Table.Td>
      <Table.Td style={oneLine}>{jobDuration(job, now)}</Table.Td>
      <Table.Td style={oneLine}>{formatGpuHours(job.gpuSeconds, job.gpus)}</Table.Td>
    </Table.Tr>
  );
}

/** Props of {@link JobTable}. */
export interface JobTableProps {
  rows: readonly JobSummary[];
  total: number;
  onNeedMore?: (() => void) | undefined;
  now: number;
  loading?: boolean;
  /** Accessible name of the table; default `Jobs`. */
  label?: string;
}

/**
 * Jobs as a table whose rows are virtualised (only the rows in view plus a few are in the DOM,
 * so 10,000 jobs scroll smoothly); the next page is asked for as the view nears the last loaded
 * row. A real `<table>` with `aria-rowcount`/`aria-rowindex`, like the clusters list.
 */
export function JobTable({
  rows,
  total,
  onNeedMore,
  now,
  loading = false,
  label = 'Jobs',
}: JobTableProps) {
  const { scrollRef, items, padTop, padBottom } = usePagedVirtualRows({
    rows,
    total,
    onNeedMore,
    loading,
    rowHeight: rowHeight,
    keyOf: (row) => `${row.team}/${row.id}`,
  });

  return (
    <Box
      ref={scrollRef}
      style={{ maxHeight: 'calc(100dvh - 300px)', minHeight: 200, overflow: 'auto' }}
      data-testid="job-table-scroll"
      tabIndex={0}
      aria-label={`${label}, scrollable`}
      role="region"
    >
      <Table
        stickyHeader
        highlightOnHover
        layout="fixed"
        miw={960}
        aria-label={label}
        aria-rowcount={loading ? -1 : Math.max(total, rows.length) + 1}
        aria-busy={loading}
      >
        <Table.Thead>
          <Table.Tr aria-rowindex={1}>
            {columns.map((column) => (
              <Table.Th key={column.id} style={{ width: column.width }}>
                {column.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {loading &&
            Array.from({ length: 6 }, (_, index) => (
              <Table.Tr key={index} style={{ height: rowHeight }}>
                {columns.map((column) => (
                  <Table.Td key={column.id}>
                    <Skeleton height={12} radius="sm" width="60%" />
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
            return row ? <JobRow key={item.key} job={row} index={item.index} now={now} /> : null;
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
