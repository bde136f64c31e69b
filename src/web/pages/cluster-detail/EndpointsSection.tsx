import { Anchor, Paper, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { Link } from 'react-router-dom';

import type { ClusterDetail } from '../../../shared/api/clusterSchemas.ts';
import { CopyField } from '../../components/CopyField.tsx';

/**
 * A `ray job submit` line that works from the user's machine: through Raydeck's dashboard
 * proxy (which serves the Jobs API), authenticated with an API token from `$RAYDECK_TOKEN`.
 */
export function proxiedJobSubmit(dashboardUrl: string): string {
  const address = dashboardUrl.replace(/\/$/, '');
  return [
    'ray job submit \\',
    `  --address ${address} \\`,
    '  --headers "{\\"Authorization\\": \\"Bearer $RAYDECK_TOKEN\\"}" \\',
    '  --working-dir . -- python script.py',
  ].join('\n');
}

/**
 * "Endpoints": where to reach the cluster, each with a copy button. The dashboard (and Jobs
 * API) through Raydeck's proxy, as an absolute URL of this portal; the in-cluster Ray client
 * and Jobs API addresses; and example `ray job submit` lines for both places.
 */
export function EndpointsSection({ endpoints }: { endpoints: ClusterDetail['endpoints'] }) {
  const headingId = useId();
  const dashboardUrl = new URL(endpoints.dashboardUrl, window.location.origin).toString();
  return (
    <Paper component="section" aria-labelledby={headingId} withBorder radius="md" p="md">
      <Stack gap="md">
        <Title order={3} size="h4" id={headingId}>
          Endpoints
        </Title>
        <CopyField
          label="Dashboard URL"
          value={dashboardUrl}
          description="Through Raydeck, signed in as you. It also serves the Jobs API."
        />
        <CopyField
          label="Ray client address"
          value={endpoints.clientAddress}
          description="For ray.init() from pods inside the Kubernetes cluster."
        />
        <CopyField
          label="Jobs API address"
          value={endpoints.jobsApiAddress}
          description="For the Ray Jobs SDK and CLI inside the Kubernetes cluster."
        />
        <CopyField
          label="Job submit command"
          value={proxiedJobSubmit(dashboardUrl)}
          description="From your machine, with an API token in $RAYDECK_TOKEN."
          multiline
        />
        <CopyField
          label="In-cluster job submit command"
          value={endpoints.jobSubmitExample}
          description="From a pod inside the Kubernetes cluster."
          multiline
        />
        <Text size="xs" c="dimmed">
          Create a token on the{' '}
          <Anchor component={Link} to="/tokens" size="xs" underline="always">
            API tokens
          </Anchor>{' '}
          page.
        </Text>
      </Stack>
    </Paper>
  );
}
