import { Alert, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';

import type { ServiceState } from '../../shared/api/serviceSchemas.ts';
import { useApiClient } from '../hooks/useApiClient.ts';

/** How often the list and detail pages refresh, in milliseconds (RayServices are not on the stream yet). */
export const servicePollMs = 2000;

/** Badge colour of each service state. */
export const serviceStateColor: Record<ServiceState, string> = {
  Initializing: 'blue',
  Ready: 'green',
  Upgrading: 'violet',
  Unhealthy: 'orange',
  Failed: 'red',
  Suspended: 'gray',
  Deleting: 'gray',
};

/** `/services`: every RayService the user may see, refreshed every {@link servicePollMs}. */
export function ServicesPage() {
  const client = useApiClient();
  const list = useQuery({
    queryKey: ['services'],
    queryFn: () => client.listServices(),
    refetchInterval: servicePollMs,
  });
  const items = list.data?.items ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Services</Title>
        <Button component={Link} to="/services/new" leftSection={<IconPlus size={16} />}>
          Deploy a service
        </Button>
      </Group>
      <Text c="dimmed">
        Ray Serve applications run by KubeRay RayServices: health, endpoints, and upgrades without
        downtime.
      </Text>
      {list.error ? <Alert color="red">{list.error.message}</Alert> : null}
      {list.isSuccess && items.length === 0 ? (
        <Alert color="blue" title="No services yet">
          Deploy one from a template; the serve_hello sample is offered as a starting point.
        </Alert>
      ) : null}
      {items.length > 0 ? (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Team</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Apps running</Table.Th>
              <Table.Th>Endpoints</Table.Th>
              <Table.Th>GPUs</Table.Th>
              <Table.Th>Clusters</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((service) => (
              <Table.Tr key={`${service.team}/${service.name}`}>
                <Table.Td>
                  <Link to={`/services/${service.team}/${service.name}`}>{service.name}</Link>
                </Table.Td>
                <Table.Td>{service.team}</Table.Td>
                <Table.Td>
                  <Badge color={serviceStateColor[service.state]} title={service.message}>
                    {service.state}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {service.applications.running} of {service.applications.total}
                </Table.Td>
                <Table.Td>{service.numServeEndpoints}</Table.Td>
                <Table.Td>{service.gpus}</Table.Td>
                <Table.Td>
                  {service.activeCluster ?? '—'}
                  {service.pendingCluster ? ` → ${service.pendingCluster}` : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}
