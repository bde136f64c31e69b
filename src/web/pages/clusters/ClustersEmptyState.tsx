import { Alert, Button, EmptyState, Paper, Stack } from '@mantine/core';
import { IconFilterOff, IconInfoCircle, IconPlus, IconServer2 } from '@tabler/icons-react';
import { Link } from 'react-router-dom';

/**
 * What the list says when the user has no clusters at all: what a cluster is, how to make one
 * (the page's only "New cluster" link then), and in the embedded sandbox a first-run hint.
 */
export function NoClustersYet({ sandbox, admin }: { sandbox: boolean; admin: boolean }) {
  return (
    <Paper withBorder radius="md" p="xl">
      <Stack gap="lg" align="center">
        {sandbox && (
          <Alert
            variant="light"
            color="indigo"
            icon={<IconInfoCircle aria-hidden />}
            title="First run"
            maw={640}
          >
            This is the built-in sandbox cluster: try creating a 1-GPU cluster from the rtx4090-1
            template
          </Alert>
        )}
        <EmptyState icon={<IconServer2 size={28} aria-hidden />} variant="light" maw={560}>
          <EmptyState.Title order={3}>No clusters yet</EmptyState.Title>
          <EmptyState.Description>
            A cluster is a Ray head with GPU workers, made from a template that fixes its shape and
            limits. {admin ? 'No team has one yet.' : 'None of your teams has one yet.'} Create one,
            watch it become Ready here, then open its Ray dashboard or submit jobs to it.
          </EmptyState.Description>
          <EmptyState.Actions>
            <Button component={Link} to="/clusters/new" leftSection={<IconPlus size={16} />}>
              New cluster
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      </Stack>
    </Paper>
  );
}

/** What the list says when clusters exist but none passes the filters. */
export function NoClustersMatch({ onClear }: { onClear: () => void }) {
  return (
    <Paper withBorder radius="md" p="xl">
      <EmptyState icon={<IconFilterOff size={28} aria-hidden />}>
        <EmptyState.Title order={3}>No clusters match</EmptyState.Title>
        <EmptyState.Description>
          No cluster passes these filters and search. Loosen them, or clear them to see every
          cluster.
        </EmptyState.Description>
        <EmptyState.Actions>
          <Button variant="default" onClick={onClear}>
            Clear filters
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Paper>
  );
}
