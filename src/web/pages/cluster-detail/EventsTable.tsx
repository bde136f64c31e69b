import { Badge, Table, Text } from '@mantine/core';

import type { ClusterDetail } from '../../../shared/api/clusterSchemas.ts';
import { formatAge, formatTimestamp } from '../clusters/formatAge.ts';

/**
 * Kubernetes events about the cluster and its pods, newest first as the server sends them:
 * type, reason, message, object, count and when last seen.
 */
export function EventsTable({ events, now }: { events: ClusterDetail['events']; now: number }) {
  if (events.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="md">
        No events. Kubernetes keeps events for about an hour.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover aria-label="Events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={90}>Type</Table.Th>
            <Table.Th w={170}>Reason</Table.Th>
            <Table.Th>Message</Table.Th>
            <Table.Th w={200}>Object</Table.Th>
            <Table.Th w={70}>Count</Table.Th>
            <Table.Th w={90}>Last seen</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event, index) => (
            <Table.Tr key={`${event.object}/${event.reason}/${index}`}>
              <Table.Td>
                <Badge
                  variant="light"
                  color={event.type === 'Warning' ? 'orange' : 'gray'}
                  tt="none"
                  c="bright"
                >
                  {event.type}
                </Badge>
              </Table.Td>
              <Table.Td>{event.reason}</Table.Td>
              <Table.Td style={{ wordBreak: 'break-word' }}>{event.message}</Table.Td>
              <Table.Td ff="monospace" fz="xs" style={{ wordBreak: 'break-all' }}>
                {event.object}
              </Table.Td>
              <Table.Td>{event.count}</Table.Td>
              <Table.Td title={formatTimestamp(event.lastSeen)}>
                {event.lastSeen ? `${formatAge(event.lastSeen, now)} ago` : '—'}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
