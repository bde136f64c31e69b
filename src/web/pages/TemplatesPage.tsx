import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Modal,
  SimpleGrid,
  Skeleton,
  Stack,
  Switch,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { EmptyState } from '@mantine/core';
import {
  IconAlertCircle,
  IconArchive,
  IconArchiveOff,
  IconCpu,
  IconPencil,
  IconPlus,
  IconTemplate,
  IconTrash,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense, useState } from 'react';

import type { Template } from '../../shared/api/templateSchemas.ts';
import { allowedExposureOf } from '../../shared/api/validateClusterRequest.ts';
import { humanizeGpuProduct } from '../../shared/ray/humanizeGpuProduct.ts';
import { useApiClient } from '../hooks/useApiClient.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { useStreamEvent } from '../stream/StreamProvider.tsx';
import { formatDuration } from './admin/formatDuration.ts';
import { notify } from './admin/notify.ts';

// Only admins open the form, so it loads on first use instead of with every page.
const TemplateForm = lazy(() =>
  import('./admin/TemplateForm.tsx').then((module) => ({ default: module.TemplateForm })),
);

/** `1× NVIDIA A100 per worker`, or `CPU only`, from a template's worker shape. */
function gpuShapeOf(template: Pick<Template, 'worker'>): string {
  const { gpu, gpuProduct } = template.worker;
  if (gpu === 0) return 'CPU only';
  const model = gpuProduct ? humanizeGpuProduct(gpuProduct) : 'GPU of any model';
  return `${gpu}× ${model} per worker`;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" ta="right" component="div">
        {children}
      </Text>
    </Group>
  );
}

/** What a form modal edits: nothing, a new template, or an existing one. */
type Editing = { mode: 'closed' } | { mode: 'new' } | { mode: 'edit'; template: Template };

function TemplateCard({
  template,
  isAdmin,
  onEdit,
  onDelete,
}: {
  template: Template;
  isAdmin: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const managed = template.origin === 'raydeck';
  const toggle = useMutation({
    mutationFn: () =>
      template.retired
        ? client.restoreTemplate(template.name)
        : client.retireTemplate(template.name),
    onSuccess: async (saved) => {
      notify.success(
        saved.retired ? `Template ${saved.name} retired` : `Template ${saved.name} restored`,
        saved.retired
          ? 'Existing clusters keep running; new clusters cannot pick it.'
          : 'Users can pick it again.',
      );
      await queryClient.invalidateQueries({ queryKey: ['templates'] });
    },
    onError: (error) =>
      notify.failure(
        `Could not ${template.retired ? 'restore' : 'retire'} ${template.name}`,
        error,
      ),
  });

  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      component="article"
      aria-labelledby={`template-${template.name}`}
      opacity={template.retired ? 0.75 : 1}
    >
      <Stack gap="sm" h="100%">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="xs">
            <Title order={3} size="h4" id={`template-${template.name}`}>
              {template.name}
            </Title>
            <Tooltip label="Bumped on every change; clusters record the version they used.">
              <Badge variant="default" size="sm" tt="none">
                v{template.version}
              </Badge>
            </Tooltip>
          </Group>
          <Group gap={4}>
            {template.retired && (
              <Badge color="gray" variant="filled" size="sm">
                Retired
              </Badge>
            )}
            {!managed && (
              <Tooltip label="Defined through KubeRay APIServer; edit it there.">
                <Badge color="cyan" variant="light" size="sm">
                  KubeRay APIServer
                </Badge>
              </Tooltip>
            )}
          </Group>
        </Group>
        {template.description && (
          <Text size="sm" c="dimmed">
            {template.description}
          </Text>
        )}
        <Group gap="xs">
          <IconCpu size={18} aria-hidden color="var(--mantine-color-indigo-6)" />
          <Text fw={600} size="sm">
            {gpuShapeOf(template)}
          </Text>
        </Group>
        <Stack gap={6}>
          <Fact label="Head">
            {template.head.cpu} CPU · {template.head.memory}
          </Fact>
          <Fact label="Each worker">
            {template.worker.cpu} CPU · {template.worker.memory}
            {template.worker.gpu > 0 ? ` · ${template.worker.gpu} GPU` : ''}
          </Fact>
          <Fact label="Workers">
            {template.defaultWorkers} by default, max {template.maxWorkers}
          </Fact>
          <Fact label="Idle timeout">{formatDuration(template.defaultIdleTimeoutSeconds)}</Fact>
          <Fact label="Time to live">
            {template.defaultTtlSeconds ? formatDuration(template.defaultTtlSeconds) : 'none'}
          </Fact>
          <Fact label="Ray versions">
            <Group gap={4} justify="flex-end">
              {template.allowedRayVersions.map((version) => (
                <Badge key={version} variant="light" size="sm" tt="none">
                  {version}
                </Badge>
              ))}
            </Group>
          </Fact>
          <Fact label="Exposure">{allowedExposureOf(template).join(', ')}</Fact>
          <Fact label="Images">
            {template.allowedImages.length > 0 ? (
              template.allowedImages.map((image) => (
                <Code key={image} fz="xs" display="block">
                  {image}
                </Code>
              ))
            ) : (
              <Code fz="xs">rayproject/ray</Code>
            )}
          </Fact>
        </Stack>
        {isAdmin && managed && (
          <Group gap="xs" mt="auto" pt="xs">
            <Button
              size="xs"
              variant="light"
              leftSection={<IconPencil size={14} aria-hidden />}
              onClick={onEdit}
              aria-label={`Edit ${template.name}`}
            >
              Edit
            </Button>
            <Button
              size="xs"
              variant="default"
              leftSection={
                template.retired ? (
                  <IconArchiveOff size={14} aria-hidden />
                ) : (
                  <IconArchive size={14} aria-hidden />
                )
              }
              loading={toggle.isPending}
              onClick={() => toggle.mutate()}
              aria-label={`${template.retired ? 'Restore' : 'Retire'} ${template.name}`}
            >
              {template.retired ? 'Restore' : 'Retire'}
            </Button>
            <Button
              size="xs"
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={14} aria-hidden />}
              onClick={onDelete}
              aria-label={`Delete ${template.name}`}
              ml="auto"
            >
              Delete
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}

function DeleteTemplateDialog({
  template,
  onClose,
}: {
  template: Template | undefined;
  onClose: () => void;
}) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (name: string) => client.deleteTemplate(name),
    onSuccess: async (_nothing, name) => {
      notify.success(`Template ${name} deleted`);
      await queryClient.invalidateQueries({ queryKey: ['templates'] });
      onClose();
    },
    onError: (error, name) => notify.failure(`Could not delete ${name}`, error),
  });
  return (
    <Modal opened={template !== undefined} onClose={onClose} title="Delete template" centered>
      <Stack gap="md">
        <Text size="sm">
          Delete <b>{template?.name}</b> for good? Clusters made from it keep running. To only stop
          new clusters from using it, retire it instead.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => template && remove.mutate(template.name)}
          >
            Delete template
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function TemplateSkeletons() {
  return (
    <SimpleGrid
      cols={{ base: 1, md: 2, xl: 3 }}
      spacing="lg"
      aria-busy
      aria-label="Loading templates"
    >
      {[0, 1, 2].map((index) => (
        <Card key={index} withBorder radius="md" padding="lg">
          <Skeleton height={22} width="50%" mb="md" />
          <Skeleton height={12} mb="xs" />
          <Skeleton height={12} width="70%" mb="lg" />
          {[0, 1, 2, 3, 4].map((row) => (
            <Skeleton key={row} height={10} mb="sm" />
          ))}
        </Card>
      ))}
    </SimpleGrid>
  );
}

/**
 * `/templates`: the governed templates users pick from, for everyone, with each one's version,
 * GPU shape, sizes, worker limits, idle timeout, TTL, Ray versions and images. Admins also
 * create, edit (a new version), retire, restore and delete them, and may show retired ones.
 * Changes made elsewhere arrive through the live stream's `templates` event.
 */
export function TemplatesPage() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const isAdmin = user?.role === 'admin';
  const [showRetired, setShowRetired] = useState(false);
  const [editing, setEditing] = useState<Editing>({ mode: 'closed' });
  const [deleting, setDeleting] = useState<Template | undefined>(undefined);
  const includeRetired = isAdmin && showRetired;
  const templates = useQuery({
    queryKey: ['templates', { includeRetired }],
    queryFn: () => client.listTemplates(includeRetired),
  });
  useStreamEvent('templates', () => {
    void queryClient.invalidateQueries({ queryKey: ['templates'] });
  });
  const closeForm = () => setEditing({ mode: 'closed' });
  const items = templates.data?.items ?? [];

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Templates</Title>
          <Text c="dimmed" size="sm">
            Governed cluster shapes: what users pick from when they create a cluster.
          </Text>
        </div>
        {isAdmin && (
          <Group gap="md">
            <Switch
              label="Show retired"
              checked={showRetired}
              onChange={(event) => setShowRetired(event.currentTarget.checked)}
            />
            <Button
              leftSection={<IconPlus size={16} aria-hidden />}
              onClick={() => setEditing({ mode: 'new' })}
            >
              New template
            </Button>
          </Group>
        )}
      </Group>

      {templates.isPending && <TemplateSkeletons />}
      {templates.isError && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertCircle size={18} aria-hidden />}
          title="Could not load templates"
        >
          {templates.error.message}
        </Alert>
      )}
      {templates.isSuccess && items.length === 0 && (
        <Card withBorder radius="md" p="xl">
          <EmptyState
            icon={<IconTemplate size={32} aria-hidden />}
            withIndicatorBackground
            title={showRetired ? 'No templates at all' : 'No templates yet'}
            description={
              isAdmin
                ? 'A template is a governed cluster shape: head and worker sizes, GPUs per worker, the Ray versions and images allowed, worker limits and the idle policy. Users can only create clusters from templates, so create the first one.'
                : 'Clusters are created from templates that an admin defines: sizes, GPUs, Ray versions and idle policy. Ask an admin of this portal to create one.'
            }
          >
            {isAdmin && (
              <EmptyState.Actions>
                <Button
                  leftSection={<IconPlus size={16} aria-hidden />}
                  onClick={() => setEditing({ mode: 'new' })}
                >
                  Create the first template
                </Button>
              </EmptyState.Actions>
            )}
          </EmptyState>
        </Card>
      )}
      {items.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="lg">
          {items.map((template) => (
            <TemplateCard
              key={template.name}
              template={template}
              isAdmin={isAdmin}
              onEdit={() => setEditing({ mode: 'edit', template })}
              onDelete={() => setDeleting(template)}
            />
          ))}
        </SimpleGrid>
      )}

      <Modal
        opened={editing.mode !== 'closed'}
        onClose={closeForm}
        title={editing.mode === 'edit' ? `Edit template ${editing.template.name}` : 'New template'}
        size="xl"
      >
        <Suspense fallback={<Skeleton height={480} aria-label="Loading the form" />}>
          {editing.mode !== 'closed' && (
            <TemplateForm
              template={editing.mode === 'edit' ? editing.template : undefined}
              onDone={closeForm}
            />
          )}
        </Suspense>
      </Modal>
      <DeleteTemplateDialog template={deleting} onClose={() => setDeleting(undefined)} />
    </Stack>
  );
}
