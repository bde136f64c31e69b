import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconPlayerPlay } from '@tabler/icons-react';

import type { CatalogEntry } from '../../../shared/api/jobSchemas.ts';

/** Props of {@link CatalogCards}. */
export interface CatalogCardsProps {
  entries: readonly CatalogEntry[] | undefined;
  loading: boolean;
  error?: Error | null;
  /** Runs an entry; disabled with `disabledReason` when there is nowhere to run it. */
  onRun: (entry: CatalogEntry) => void;
  disabledReason?: string | undefined;
  /** Entry being submitted now (its button shows a loader). */
  running?: string | undefined;
}

/**
 * The workload catalog as cards: what each does, the resources it declares, the Ray extras it
 * imports, and whether it was proven on real Ray (the real-Ray test stage) or only in the sandbox.
 * One click on "Run" submits it.
 */
export function CatalogCards({
  entries,
  loading,
  error,
  onRun,
  disabledReason,
  running,
}: CatalogCardsProps) {
  if (error) {
    return (
      <Alert color="red" variant="light" title="Could not load the catalog" role="alert">
        {error.message}
      </Alert>
    );
  }
  if (loading || !entries) {
    return (
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Skeleton height={160} radius="md" />
        <Skeleton height={160} radius="md" />
      </SimpleGrid>
    );
  }
  if (entries.length === 0) {
    return <Text c="dimmed">The catalog is empty.</Text>;
  }
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      {entries.map((entry) => (
        <Card
          key={entry.id}
          withBorder
          radius="md"
          padding="md"
          component="article"
          aria-label={entry.title}
        >
          <Stack gap="xs" h="100%">
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Title order={3} size="h5">
                {entry.title}
              </Title>
              <Badge variant="outline" tt="none" c="bright">
                {entry.id}
              </Badge>
            </Group>
            <Text size="sm">{entry.summary}</Text>
            <Group gap={6}>
              <Badge variant="light" color="blue" tt="none" c="bright">
                {entry.resources.gpus} GPU · {entry.resources.cpus} CPU
              </Badge>
              {entry.rayExtras.length === 0 ? (
                <Badge variant="light" color="gray" tt="none" c="bright">
                  Ray core only
                </Badge>
              ) : (
                entry.rayExtras.map((extra) => (
                  <Badge key={extra} variant="light" color="grape" tt="none" c="bright">
                    ray[{extra}]
                  </Badge>
                ))
              )}
            </Group>
            {entry.provenOnRealRay ? (
              <Group gap={4}>
                <IconCircleCheck
                  size={16}
                  aria-hidden
                  color="var(--mantine-color-green-light-color)"
                />
                <Text size="xs">Proven on real Ray {entry.provenOnRealRay}</Text>
              </Group>
            ) : (
              <Group gap={4} wrap="nowrap" align="flex-start">
                <IconAlertTriangle
                  size={16}
                  aria-hidden
                  color="var(--mantine-color-orange-light-color)"
                />
                <Text size="xs">
                  Not proven on real Ray
                  {entry.notProvenReason ? `: ${entry.notProvenReason}` : ''}
                </Text>
              </Group>
            )}
            <Text size="xs" c="dimmed" ff="monospace">
              {entry.entrypoint}
            </Text>
            <Group justify="flex-end" mt="auto">
              <Button
                size="xs"
                leftSection={<IconPlayerPlay size={14} aria-hidden />}
                onClick={() => onRun(entry)}
                disabled={
                  disabledReason !== undefined || (running !== undefined && running !== entry.id)
                }
                loading={running === entry.id}
                title={disabledReason}
                aria-label={`Run ${entry.title}`}
              >
                Run
              </Button>
            </Group>
          </Stack>
        </Card>
      ))}
    </SimpleGrid>
  );
}
