import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  TagsInput,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';

import type { Exposure } from '../../../shared/api/clusterSchemas.ts';
import type { Template, TemplateInput } from '../../../shared/api/templateSchemas.ts';
import { allowedExposureOf } from '../../../shared/api/validateClusterRequest.ts';
import { useApiClient } from '../../hooks/useApiClient.ts';
import { fieldErrorsOf } from './fieldErrorsOf.ts';
import { formatDuration } from './formatDuration.ts';
import { notify } from './notify.ts';

/** What the form edits: numbers may be '' while a field is being typed. */
interface TemplateDraft {
  name: string;
  description: string;
  headCpu: number | string;
  headMemory: string;
  workerCpu: number | string;
  workerMemory: string;
  workerGpu: number | string;
  gpuProduct: string;
  gpuResource: string;
  allowedRayVersions: string[];
  allowedImages: string[];
  /** Always holds `ClusterIP`; the checkboxes add the others. */
  allowedExposure: Exposure[];
  maxWorkers: number | string;
  defaultWorkers: number | string;
  idleTimeoutSeconds: number | string;
  ttlSeconds: number | string;
}

/** Exposures beyond ClusterIP, each a grant: the head's Jobs API has no authentication. */
const exposureGrants: { value: Exposure; label: string; description: string }[] = [
  { value: 'NodePort', label: 'NodePort', description: 'A port on every node.' },
  {
    value: 'LoadBalancer',
    label: 'LoadBalancer',
    description: 'An external address from the load balancer.',
  },
  { value: 'Ingress', label: 'Ingress', description: 'A host name through the ingress.' },
];

/** Form keys, as the server's field paths name them after `body.`. */
const fieldKeys = [
  'name',
  'description',
  'head.cpu',
  'head.memory',
  'worker.cpu',
  'worker.memory',
  'worker.gpu',
  'worker.gpuProduct',
  'worker.gpuResource',
  'allowedRayVersions',
  'allowedImages',
  'allowedExposure',
  'maxWorkers',
  'defaultWorkers',
  'defaultIdleTimeoutSeconds',
  'defaultTtlSeconds',
] as const;

function draftOf(template: Template | undefined): TemplateDraft {
  return {
    name: template?.name ?? '',
    description: template?.description ?? '',
    headCpu: template?.head.cpu ?? 2,
    headMemory: template?.head.memory ?? '8Gi',
    workerCpu: template?.worker.cpu ?? 8,
    workerMemory: template?.worker.memory ?? '32Gi',
    workerGpu: template?.worker.gpu ?? 1,
    gpuProduct: template?.worker.gpuProduct ?? '',
    gpuResource: template?.worker.gpuResource ?? '',
    allowedRayVersions: template?.allowedRayVersions ?? [],
    allowedImages: template?.allowedImages ?? [],
    allowedExposure: allowedExposureOf(template ?? {}),
    maxWorkers: template?.maxWorkers ?? 4,
    defaultWorkers: template?.defaultWorkers ?? 1,
    idleTimeoutSeconds: template?.defaultIdleTimeoutSeconds ?? 3600,
    ttlSeconds: template?.defaultTtlSeconds ?? '',
  };
}

/**
 * The request body of a draft. Empty optional fields are left out; an empty required number is
 * left out too, so the server names it as missing instead of the form guessing a value.
 */
function inputOf(draft: TemplateDraft, template: Template | undefined): TemplateInput {
  const number = (value: number | string) => (value === '' ? undefined : Number(value));
  const worker = {
    cpu: number(draft.workerCpu),
    memory: draft.workerMemory.trim(),
    gpu: number(draft.workerGpu),
    ...(draft.gpuProduct.trim() ? { gpuProduct: draft.gpuProduct.trim() } : {}),
    ...(draft.gpuResource.trim() ? { gpuResource: draft.gpuResource.trim() } : {}),
  };
  const body = {
    name: draft.name.trim(),
    description: draft.description.trim(),
    head: { cpu: number(draft.headCpu), memory: draft.headMemory.trim() },
    worker,
    ...(template?.tolerations ? { tolerations: template.tolerations } : {}),
    allowedRayVersions: draft.allowedRayVersions,
    allowedImages: draft.allowedImages,
    allowedExposure: draft.allowedExposure,
    maxWorkers: number(draft.maxWorkers),
    defaultWorkers: number(draft.defaultWorkers),
    defaultIdleTimeoutSeconds: number(draft.idleTimeoutSeconds),
    ...(draft.ttlSeconds === '' ? {} : { defaultTtlSeconds: Number(draft.ttlSeconds) }),
  };
  // Left-out numbers are dropped by JSON; the server answers with their paths.
  return body as TemplateInput;
}

/**
 * The admin's template form, for a new template or a new version of `template`. Nothing is
 * checked here beyond what typing allows: the server validates, and each of its field errors
 * (`body.head.memory`, `body.defaultWorkers`, …) appears under its input, while the whole
 * message is also shown as a notification. Tolerations are kept as they are on edit.
 */
export function TemplateForm({
  template,
  onDone,
}: {
  template?: Template | undefined;
  onDone: () => void;
}) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<TemplateDraft>(() => draftOf(template));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [unplaced, setUnplaced] = useState<string | undefined>(undefined);
  const editing = template !== undefined;
  const formRef = useRef<HTMLFormElement>(null);

  const save = useMutation({
    mutationFn: (input: TemplateInput) =>
      editing ? client.updateTemplate(input.name, input) : client.createTemplate(input),
    onSuccess: async (saved) => {
      notify.success(
        editing ? `Template ${saved.name} updated` : `Template ${saved.name} created`,
        `Now at version ${saved.version}.`,
      );
      await queryClient.invalidateQueries({ queryKey: ['templates'] });
      onDone();
    },
    onError: (error) => {
      const placed = fieldErrorsOf(error, fieldKeys);
      setErrors(placed);
      setUnplaced(Object.keys(placed).length === 0 ? error.message : undefined);
      // Take the keyboard (and the scrolled modal) to the first field the server complained of.
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      notify.failure(editing ? 'Template not updated' : 'Template not created', error);
    },
  });

  const set =
    <K extends keyof TemplateDraft>(key: K, errorKey: string) =>
    (value: TemplateDraft[K]) => {
      setDraft((current) => ({ ...current, [key]: value }));
      setErrors(({ [errorKey]: _fixed, ...rest }) => rest);
    };
  const text =
    (
      key: 'name' | 'description' | 'headMemory' | 'workerMemory' | 'gpuProduct' | 'gpuResource',
      errorKey: string,
    ) =>
    (event: { currentTarget: { value: string } }) =>
      set(key, errorKey)(event.currentTarget.value);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setUnplaced(undefined);
    save.mutate(inputOf(draft, template));
  };

  const idle = Number(draft.idleTimeoutSeconds);
  const ttl = Number(draft.ttlSeconds);
  return (
    <form
      ref={formRef}
      onSubmit={submit}
      noValidate
      aria-label={editing ? `Edit ${template.name}` : 'New template'}
    >
      <Stack gap="md">
        {unplaced && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} aria-hidden />}>
            {unplaced}
          </Alert>
        )}
        <Fieldset legend="Template">
          <Stack gap="sm">
            <TextInput
              label="Name"
              description={
                editing
                  ? 'A template keeps its name; saving makes a new version.'
                  : 'Lower-case letters, digits and dashes, e.g. a100-1.'
              }
              value={draft.name}
              onChange={text('name', 'name')}
              error={errors['name']}
              disabled={editing}
              data-autofocus
            />
            <Textarea
              label="Description"
              description="What users get, in one line: 1× A100 per worker, 8 CPU, 64 GiB."
              rows={2}
              value={draft.description}
              onChange={text('description', 'description')}
              error={errors['description']}
            />
          </Stack>
        </Fieldset>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Fieldset legend="Head node">
            <Stack gap="sm">
              <NumberInput
                label="Head CPU"
                min={0.5}
                step={0.5}
                value={draft.headCpu}
                onChange={set('headCpu', 'head.cpu')}
                error={errors['head.cpu']}
              />
              <TextInput
                label="Head memory"
                description="Kubernetes quantity, e.g. 8Gi"
                value={draft.headMemory}
                onChange={text('headMemory', 'head.memory')}
                error={errors['head.memory']}
              />
            </Stack>
          </Fieldset>
          <Fieldset legend="Each worker">
            <Stack gap="sm">
              <SimpleGrid cols={2} spacing="sm">
                <NumberInput
                  label="Worker CPU"
                  min={0.5}
                  step={0.5}
                  value={draft.workerCpu}
                  onChange={set('workerCpu', 'worker.cpu')}
                  error={errors['worker.cpu']}
                />
                <TextInput
                  label="Worker memory"
                  value={draft.workerMemory}
                  onChange={text('workerMemory', 'worker.memory')}
                  error={errors['worker.memory']}
                />
              </SimpleGrid>
              <NumberInput
                label="GPUs per worker"
                description="0 for CPU-only workers"
                min={0}
                max={16}
                allowDecimal={false}
                value={draft.workerGpu}
                onChange={set('workerGpu', 'worker.gpu')}
                error={errors['worker.gpu']}
              />
              <TextInput
                label="GPU product"
                description="nvidia.com/gpu.product label, e.g. NVIDIA-A100-SXM4-80GB; empty: any"
                value={draft.gpuProduct}
                onChange={text('gpuProduct', 'worker.gpuProduct')}
                error={errors['worker.gpuProduct']}
              />
              <TextInput
                label="GPU resource"
                description="Extended resource name; empty: nvidia.com/gpu"
                placeholder="nvidia.com/gpu"
                value={draft.gpuResource}
                onChange={text('gpuResource', 'worker.gpuResource')}
                error={errors['worker.gpuResource']}
              />
            </Stack>
          </Fieldset>
        </SimpleGrid>
        <Fieldset legend="Policy">
          <Stack gap="sm">
            <TagsInput
              label="Allowed Ray versions"
              description="Press Enter after each, e.g. 2.52.0. Users pick one of these."
              value={draft.allowedRayVersions}
              onChange={set('allowedRayVersions', 'allowedRayVersions')}
              error={errors['allowedRayVersions']}
              clearable
            />
            <TagsInput
              label="Allowed images"
              description="Image repositories besides rayproject/ray; the tag must be the Ray version."
              value={draft.allowedImages}
              onChange={set('allowedImages', 'allowedImages')}
              error={errors['allowedImages']}
              clearable
            />
            <Checkbox.Group
              label="Exposure users may choose"
              description="ClusterIP (inside Kubernetes, dashboard through Raydeck) is always allowed. Anything else publishes the head, whose Ray Jobs API runs code without authentication."
              value={draft.allowedExposure.filter((exposure) => exposure !== 'ClusterIP')}
              onChange={(values) =>
                set('allowedExposure', 'allowedExposure')(['ClusterIP', ...(values as Exposure[])])
              }
              error={errors['allowedExposure']}
            >
              <Group gap="lg" mt="xs">
                {exposureGrants.map((grant) => (
                  <Checkbox
                    key={grant.value}
                    value={grant.value}
                    label={grant.label}
                    description={grant.description}
                  />
                ))}
              </Group>
            </Checkbox.Group>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <NumberInput
                label="Default workers"
                min={0}
                allowDecimal={false}
                value={draft.defaultWorkers}
                onChange={set('defaultWorkers', 'defaultWorkers')}
                error={errors['defaultWorkers']}
              />
              <NumberInput
                label="Max workers"
                min={0}
                allowDecimal={false}
                value={draft.maxWorkers}
                onChange={set('maxWorkers', 'maxWorkers')}
                error={errors['maxWorkers']}
              />
              <NumberInput
                label="Idle timeout (seconds)"
                description={
                  draft.idleTimeoutSeconds === ''
                    ? 'Idle clusters are suspended after this long.'
                    : `Suspends idle clusters after ${formatDuration(idle)}.`
                }
                min={60}
                step={300}
                allowDecimal={false}
                value={draft.idleTimeoutSeconds}
                onChange={set('idleTimeoutSeconds', 'defaultIdleTimeoutSeconds')}
                error={errors['defaultIdleTimeoutSeconds']}
              />
              <NumberInput
                label="Time to live (seconds)"
                description={
                  draft.ttlSeconds === ''
                    ? 'Empty: clusters live until deleted.'
                    : `Deletes clusters ${formatDuration(ttl)} after creation.`
                }
                min={300}
                step={3600}
                allowDecimal={false}
                value={draft.ttlSeconds}
                onChange={set('ttlSeconds', 'defaultTtlSeconds')}
                error={errors['defaultTtlSeconds']}
              />
            </SimpleGrid>
          </Stack>
        </Fieldset>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {editing ? 'Save new version' : 'Create template'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
