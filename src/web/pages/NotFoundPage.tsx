import { Button, Card, Code, EmptyState } from '@mantine/core';
import { IconMapPinOff } from '@tabler/icons-react';
import { Link, useLocation } from 'react-router-dom';

/** Shown for any path the router does not know, with a way back to the clusters list. */
export function NotFoundPage() {
  const location = useLocation();
  return (
    <Card withBorder radius="md" p="xl">
      <EmptyState withIndicatorBackground>
        <EmptyState.Indicator>
          <IconMapPinOff size={32} aria-hidden />
        </EmptyState.Indicator>
        <EmptyState.Title order={2}>Page not found</EmptyState.Title>
        <EmptyState.Description>
          Nothing lives at <Code>{location.pathname}</Code>. The link may be old, or the cluster it
          named may have been deleted.
        </EmptyState.Description>
        <EmptyState.Actions>
          <Button component={Link} to="/clusters">
            Go to your clusters
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Card>
  );
}
