import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  NativeSelect,
  Popover,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconAlertCircle, IconFilter, IconInfoCircle, IconX } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

import type { AuditEntry, AuditQuery, AuditResult } from '../../../shared/api/auditSchemas.ts';
import { useApiClient } from '../../hooks/useApiClient.ts';
import { formatTime } from './formatTime.ts';

/** Entries per page; the API allows 1 to 500. */
const pageSize = 50;

/** The filters as typed; empty strings mean "any". */
interface AuditFilters {
  actor: string;
  action: string;
  namespace: string;
  result: '' | AuditResult;
}

const noFilters: AuditFilters = { actor: '', action: '', namespace: '', result: '' };

const resultColors: Record<AuditResult, string> = {
  success: 'teal',
  failure: 'orange',
  denied: 'red',
  pending: 'gray',
};

function queryOf(filters: AuditFilters): AuditQuery {
  return {
    limit: pageSize,
    ...(filters.actor.trim() ? { actor: filters.actor.trim() } : {}),
    ...(filters.action.trim() ? { action: filters.action.trim() } : {}),
    ...(filters.namespace.trim() ? { namespace: filters.namespace.trim() } : {}),
    ...(filters.result ? { result: filters.result } : {}),
  };
}

function Details({ entry }: { entry: AuditEntry }) {
  const facts = {
    ...entry.details,
    ...(entry.requestId ? { requestId: entry.requestId } : {}),
    ...(entry.sourceIp ? { sourceIp: entry.sourceIp } : {}),
  };
  if (Object.keys(facts).length === 0) return null;
  return (
    <Popover position="left" withArrow shadow="md" width={360}>
      <Popover.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Details of entry ${entry.id}`}>
          <IconInfoCircle size={16} aria-hidden />
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown>
        <Code block fz="xs">
          {JSON.stringify(facts, null, 2)}
        </Code>
      </Popover.Dropdown>
    </Popover>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const target = entry.targetName ? `${entry.targetKind}/${entry.targetName}` : entry.targetKind;
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
          <time dateTime={entry.at}>{formatTime(entry.at)}</time>
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{entry.actor}</Text>
        {entry.actorRole && (
          <Text size="xs" c="dimmed">
            {entry.actorRole}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Code>{entry.action}</Code>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ wordBreak: 'break-all' }}>
          {target}
        </Text>
      </Table.Td>
      <Table.Td>{entry.targetNamespace ?? <Text c="dimmed">—</Text>}</Table.Td>
      <Table.Td>
        <Badge color={resultColors[entry.result]} variant="light" size="sm">
          {entry.result}
        </Badge>
        {entry.statusCode !== null && (
          <Text span size="xs" c="dimmed" ml={6}>
            {entry.statusCode}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Details entry={entry} />
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * The Audit log tab: every recorded action, newest first, filtered by actor, action, result
 * and team (all combine), 50 entries at a time with "Load more" following the server's cursor.
 * Each row shows time, actor and role, action, target, team, result and HTTP status; the
 * details button shows the facts recorded with it (never secrets).
 */
export function AuditLogPanel() {
  const client = useApiClient();
  const [draft, setDraft] = useState<AuditFilters>(noFilters);
  const [filters, setFilters] = useState<AuditFilters>(noFilters);
  const audit = useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam }) =>
      client.queryAudit({ ...queryOf(filters), ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // New filters keep the old rows on screen until their first page arrives.
    placeholderData: keepPreviousData,
  });
  const entries = audit.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.values(filters).some(Boolean);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFilters(draft);
  };
  const edit = (key: keyof AuditFilters) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setDraft((current) => ({ ...current, [key]: value }));
  };

  return (
    <Stack gap="md">
      <Card withBorder radius="md" padding="md">
        <form onSubmit={submit} aria-label="Audit log filters">
          <Group align="flex-end" gap="sm">
            <TextInput
              label="Actor"
              placeholder="username"
              value={draft.actor}
              onChange={edit('actor')}
              w={170}
            />
            <TextInput
              label="Action"
              placeholder="e.g. cluster.delete"
              value={draft.action}
              onChange={edit('action')}
              w={190}
            />
            <NativeSelect
              label="Result"
              data={[
                { value: '', label: 'Any' },
                { value: 'success', label: 'success' },
                { value: 'failure', label: 'failure' },
                { value: 'denied', label: 'denied' },
                { value: 'pending', label: 'pending' },
              ]}
              value={draft.result}
              onChange={edit('result')}
              w={130}
            />
            <TextInput
              label="Team"
              placeholder="namespace"
              value={draft.namespace}
              onChange={edit('namespace')}
              w={170}
            />
            <Button type="submit" leftSection={<IconFilter size={16} aria-hidden />}>
              Apply filters
            </Button>
            {filtered && (
              <Button
                variant="subtle"
                leftSection={<IconX size={16} aria-hidden />}
                onClick={() => {
                  setDraft(noFilters);
                  setFilters(noFilters);
                }}
              >
                Clear
              </Button>
            )}
          </Group>
        </form>
      </Card>

      {audit.isError && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertCircle size={18} aria-hidden />}
          title="Could not load the audit log"
        >
          {audit.error.message}
        </Alert>
      )}
      {audit.isPending && (
        <Card withBorder radius="md" aria-busy aria-label="Loading the audit log">
          {[0, 1, 2, 3, 4, 5].map((row) => (
            <Skeleton key={row} height={24} my="xs" />
          ))}
        </Card>
      )}
      {audit.isSuccess && entries.length === 0 && (
        <Card withBorder radius="md" p="xl">
          <Text ta="center" c="dimmed" size="sm">
            {filtered
              ? 'No audit entries match these filters.'
              : 'Nothing has been recorded yet. Every sign-in, token, user, team, template and cluster change will appear here.'}
          </Text>
        </Card>
      )}
      {entries.length > 0 && (
        <Card withBorder radius="md" p={0}>
          <Table.ScrollContainer minWidth={880}>
            <Table verticalSpacing="xs" horizontalSpacing="md" striped aria-label="Audit log">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Actor</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th>Team</Table.Th>
                  <Table.Th>Result</Table.Th>
                  <Table.Th ta="right">Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((entry) => (
                  <AuditRow key={entry.id} entry={entry} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {entries.length > 0 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            Showing {entries.length} entr{entries.length === 1 ? 'y' : 'ies'}
            {audit.hasNextPage ? '' : ', the oldest included'}.
          </Text>
          {audit.hasNextPage && (
            <Button
              variant="default"
              loading={audit.isFetchingNextPage}
              onClick={() => void audit.fetchNextPage()}
            >
              Load more
            </Button>
          )}
        </Group>
      )}
    </Stack>
  );
}
