import { Alert, Group, Progress, Skeleton, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';

import { kubeRayApiServerUnavailableReason } from '../../shared/api/notAvailableThroughKubeRayApiServer.ts';
import type { QuotaMeter } from '../../shared/api/quotaSchemas.ts';
import { ApiError } from '../../shared/client/ApiError.ts';
import { formatQuantity } from '../../shared/k8s/quantity.ts';
import { useApiClient } from '../hooks/useApiClient.ts';

/** Query key of a team's quota: shared by every page showing it and by the admin dialog. */
export const teamQuotaQueryKey = (team: string) => ['teamQuota', team] as const;

const kindLabel = { gpu: 'GPUs', cpu: 'CPU', memory: 'Memory' } as const;

/** "1 of 1 GPUs used", "12 of 16 CPU used", "8Gi of 64Gi used" (memory in binary units). */
function meterText(meter: QuotaMeter): string {
  if (meter.kind === 'memory') {
    return `${formatQuantity(meter.used, 'memory')} of ${formatQuantity(meter.hard, 'memory')} memory used`;
  }
  return `${meter.used} of ${meter.hard} ${kindLabel[meter.kind]} used`;
}

/**
 * A team's quota as used/limit meters, one per GPU, CPU and memory key of every ResourceQuota in
 * its namespace (Raydeck's `raydeck-team-quota` and any other). Says "No quota" when there is
 * none; shows nothing where the portal cannot read quotas (through a KubeRay APIServer).
 */
export function TeamQuotaMeters({ team }: { team: string }) {
  const client = useApiClient();
  const quota = useQuery({
    queryKey: teamQuotaQueryKey(team),
    queryFn: () => client.teamQuota(team),
    enabled: team !== '',
    refetchInterval: 15_000,
  });
  if (team === '') return null;
  if (quota.isPending) return <Skeleton h={40} aria-label={`Loading the quota of ${team}`} />;
  if (quota.isError) {
    return quota.error instanceof ApiError &&
      quota.error.reason === kubeRayApiServerUnavailableReason ? null : (
      <Alert color="red" variant="light" title={`Could not load the quota of ${team}`}>
        {quota.error.message}
      </Alert>
    );
  }
  const meters = quota.data.meters;
  return (
    <Stack gap={6} aria-label={`Quota of ${team}`} component="section">
      {meters.length === 0 ? (
        <Text size="sm" c="dimmed">
          No quota in {team}: its clusters are limited only by free GPUs.
        </Text>
      ) : (
        meters.map((meter) => {
          const text = meterText(meter);
          const full = meter.hard > 0 && meter.used >= meter.hard;
          return (
            <Stack key={`${meter.quota}/${meter.key}`} gap={2}>
              <Group justify="space-between" gap="xs">
                <Text size="sm" fw={500}>
                  {kindLabel[meter.kind]} quota{' '}
                  <Text span size="xs" c="dimmed">
                    ({meter.key}
                    {meter.quota !== 'raydeck-team-quota' ? `, ${meter.quota}` : ''})
                  </Text>
                </Text>
                <Text size="sm">{text}</Text>
              </Group>
              <Progress
                value={meter.hard > 0 ? Math.min(100, (meter.used / meter.hard) * 100) : 100}
                color={full ? 'orange' : 'indigo'}
                aria-label={`${kindLabel[meter.kind]} quota of ${team}`}
                aria-valuetext={text}
              />
            </Stack>
          );
        })
      )}
    </Stack>
  );
}
