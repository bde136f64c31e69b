import '@mantine/charts/styles.css';

import { BarChart } from '@mantine/charts';
import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import type { UsageQuery, UsageReport } from '../../../shared/api/usageSchemas.ts';
import { ApiError } from '../../../shared/client/ApiError.ts';
import { useApiClient } from '../../hooks/useApiClient.ts';
import { useSession } from '../../session/SessionProvider.tsx';

/** Team colours of the stacked chart, in Mantine's palette (cycled beyond eight teams). */
const teamColors = [
  'blue.6',
  'teal.6',
  'grape.6',
  'orange.6',
  'cyan.7',
  'pink.6',
  'lime.8',
  'indigo.6',
];

const dayMs = 86_400_000;

/** `day` moved by `days` (UTC calendar arithmetic on `YYYY-MM-DD`). */
export function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

/** GPU-hours for people: one decimal below 100, whole hours above. */
export function formatHours(hours: number): string {
  return hours >= 100 ? Math.round(hours).toLocaleString('en') : hours.toFixed(1);
}

/** Rows of the stacked chart: one per day of the range, one key per team. */
export function stackedDays(report: UsageReport): {
  rows: Record<string, string | number>[];
  teams: string[];
} {
  const teams = [...new Set(report.days.map((row) => row.team))].sort();
  const rows: Record<string, string | number>[] = [];
  for (let day = report.from; day <= report.to; day = shiftDay(day, 1)) {
    const row: Record<string, string | number> = { day };
    for (const team of teams) row[team] = 0;
    for (const entry of report.days) if (entry.day === day) row[entry.team] = entry.gpuHours;
    rows.push(row);
  }
  return { rows, teams };
}

/** The CSV download link of the same range and team. */
function csvHref(query: UsageQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const text = params.toString();
  return `/api/v1/usage.csv${text ? `?${text}` : ''}`;
}

function Totals({ report }: { report: UsageReport }) {
  const idleShare =
    report.totals.gpuHours > 0 ? (report.totals.idleGpuHours / report.totals.gpuHours) * 100 : 0;
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }}>
      <Paper withBorder p="md" radius="md">
        <Text size="sm" c="dimmed">
          GPU-hours
        </Text>
        <Text fz="xl" fw={700} aria-label="GPU-hours in the range">
          {formatHours(report.totals.gpuHours)}
        </Text>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Text size="sm" c="dimmed">
          Idle GPU-hours
        </Text>
        <Text fz="xl" fw={700} aria-label="Idle GPU-hours in the range">
          {formatHours(report.totals.idleGpuHours)}
        </Text>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Text size="sm" c="dimmed">
          Allocated while idle
        </Text>
        <Text fz="xl" fw={700}>
          {idleShare.toFixed(0)}%
        </Text>
      </Paper>
    </SimpleGrid>
  );
}

function TopClusters({ report }: { report: UsageReport }) {
  if (report.clusters.length === 0) return null;
  return (
    <Table striped withTableBorder aria-label="Top clusters by GPU-hours">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Cluster</Table.Th>
          <Table.Th>User</Table.Th>
          <Table.Th>Template</Table.Th>
          <Table.Th>GPU</Table.Th>
          <Table.Th ta="right">GPU-hours</Table.Th>
          <Table.Th ta="right">Idle</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {report.clusters.slice(0, 10).map((row) => (
          <Table.Tr key={`${row.team}/${row.cluster}`}>
            <Table.Td>
              {row.cluster ? (
                <Anchor href={`/clusters/${row.team}/${row.cluster}`}>
                  {row.team}/{row.cluster}
                </Anchor>
              ) : (
                `${row.team} (pods outside Ray clusters)`
              )}
            </Table.Td>
            <Table.Td>{row.user || '—'}</Table.Td>
            <Table.Td>{row.template || '—'}</Table.Td>
            <Table.Td>{row.gpuProduct || '—'}</Table.Td>
            <Table.Td ta="right">{formatHours(row.gpuHours)}</Table.Td>
            <Table.Td ta="right">{formatHours(row.idleGpuHours)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * The Usage page's content (lazy-loaded with the charts): GPU-hours per team per day stacked,
 * totals with idle GPU-hours, top users and clusters, a date range with presets, a team filter
 * and the CSV of the same selection. The server decides "today" and the default range.
 */
export function UsageView() {
  const client = useApiClient();
  const { user } = useSession();
  const [query, setQuery] = useState<UsageQuery>({});
  const result = useQuery({
    queryKey: ['usage', query.from, query.to, query.team],
    queryFn: () => client.usageReport(query),
    placeholderData: keepPreviousData,
  });
  const report = result.data;
  const teams = user?.role === 'admin' ? undefined : (user?.teams ?? []);
  const setRange = (from: string | undefined, to: string | undefined) =>
    setQuery((current) => ({
      ...(current.team ? { team: current.team } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    }));
  const preset = (days: number) => {
    if (!report) return;
    setRange(shiftDay(report.to, -(days - 1)), report.to);
  };
  const stacked = report ? stackedDays(report) : undefined;
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Usage</Title>
          <Text c="dimmed" size="sm">
            GPU-hours metered from GPU pods&apos; running time, by team, user and cluster (UTC
            days).
          </Text>
        </div>
        <Button component="a" href={csvHref(query)} download variant="light">
          Download CSV
        </Button>
      </Group>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          type="date"
          label="From"
          value={query.from ?? report?.from ?? ''}
          onChange={(event) =>
            setRange(event.currentTarget.value || undefined, query.to ?? report?.to)
          }
        />
        <TextInput
          type="date"
          label="To"
          value={query.to ?? report?.to ?? ''}
          onChange={(event) =>
            setRange(query.from ?? report?.from, event.currentTarget.value || undefined)
          }
        />
        <Button.Group>
          <Button variant="default" onClick={() => preset(7)} disabled={!report}>
            7 days
          </Button>
          <Button variant="default" onClick={() => preset(30)} disabled={!report}>
            30 days
          </Button>
          <Button variant="default" onClick={() => preset(90)} disabled={!report}>
            90 days
          </Button>
        </Button.Group>
        <Select
          label="Team"
          placeholder={teams ? 'All my teams' : 'All teams'}
          clearable
          data={teams ?? [...new Set((report?.days ?? []).map((row) => row.team))].sort()}
          value={query.team ?? null}
          onChange={(team) =>
            setQuery((current) => ({
              ...(current.from ? { from: current.from } : {}),
              ...(current.to ? { to: current.to } : {}),
              ...(team ? { team } : {}),
            }))
          }
        />
      </Group>
      {result.error ? (
        <Alert color="red" title="Usage could not be loaded">
          {result.error instanceof ApiError ? result.error.message : String(result.error)}
        </Alert>
      ) : null}
      {!report ? (
        <Skeleton h={320} radius="md" aria-label="Loading usage" />
      ) : (
        <>
          <Totals report={report} />
          <Paper withBorder p="md" radius="md">
            <Title order={3} size="h4" mb="sm">
              GPU-hours per team per day
            </Title>
            {stacked && stacked.teams.length > 0 ? (
              <BarChart
                h={280}
                data={stacked.rows}
                dataKey="day"
                type="stacked"
                withLegend
                valueFormatter={formatHours}
                series={stacked.teams.map((team, index) => ({
                  name: team,
                  color: teamColors[index % teamColors.length] ?? 'blue.6',
                }))}
              />
            ) : (
              <Text c="dimmed">No GPU was allocated in this range.</Text>
            )}
          </Paper>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Paper withBorder p="md" radius="md">
              <Title order={3} size="h4" mb="sm">
                Top users
              </Title>
              {report.users.length > 0 ? (
                <BarChart
                  h={Math.max(120, 36 * Math.min(report.users.length, 10))}
                  data={report.users.slice(0, 10).map((row) => ({
                    user: row.user || '(unknown)',
                    Busy: Math.max(0, row.gpuHours - row.idleGpuHours),
                    Idle: row.idleGpuHours,
                  }))}
                  dataKey="user"
                  type="stacked"
                  orientation="vertical"
                  yAxisProps={{ width: 100 }}
                  valueFormatter={formatHours}
                  withLegend
                  series={[
                    { name: 'Busy', color: 'blue.6' },
                    { name: 'Idle', color: 'gray.5' },
                  ]}
                />
              ) : (
                <Text c="dimmed">Nobody used GPUs in this range.</Text>
              )}
            </Paper>
            <Paper withBorder p="md" radius="md">
              <Title order={3} size="h4" mb="sm">
                Top clusters
              </Title>
              {report.clusters.length > 0 ? (
                <TopClusters report={report} />
              ) : (
                <Text c="dimmed">No cluster held GPUs in this range.</Text>
              )}
            </Paper>
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            Idle: {report.idleSignal}
          </Text>
        </>
      )}
    </Stack>
  );
}
