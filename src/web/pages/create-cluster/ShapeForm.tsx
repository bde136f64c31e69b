import {
  ActionIcon,
  Button,
  Fieldset,
  Group,
  NativeSelect,
  NumberInput,
  Paper,
  Radio,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';

import type { Exposure } from '../../../shared/api/clusterSchemas.ts';
import type { Template } from '../../../shared/api/templateSchemas.ts';
import { allowedExposureOf } from '../../../shared/api/validateClusterRequest.ts';
import { accessibleColors } from '../gpus/accessibleColors.ts';
import {
  type ClusterDraft,
  draftLimits,
  type NumberValue,
  rowKey,
  workerGroupFromTemplate,
} from './clusterDraft.ts';
import { templateGpuName } from './templateShape.ts';

/** Props of {@link ShapeForm}. */
export interface ShapeFormProps {
  template: Template;
  draft: ClusterDraft;
  /**
   * A new draft, with the field paths the edit touched: they show their errors from now on and
   * lose any server error. A path ending in `*` covers every path it starts (rows removed).
   */
  onChange: (draft: ClusterDraft, paths: string[]) => void;
  /** The error to show under an input, by server field path. */
  errorOf: (path: string) => string | undefined;
  /** Teams the user may pick; empty when none is known (the input becomes free text). */
  teams: readonly string[];
  /** Which request is running, if any; its button shows a loader and both are disabled. */
  busy: 'preview' | 'create' | undefined;
  onPreview: () => void;
  onCreate: () => void;
  onBack: () => void;
}

const exposures: { value: Exposure; label: string; description: string }[] = [
  {
    value: 'ClusterIP',
    label: 'ClusterIP',
    description: 'Inside Kubernetes only; the dashboard opens through Raydeck.',
  },
  { value: 'NodePort', label: 'NodePort', description: 'A port on every node (homelab).' },
  {
    value: 'LoadBalancer',
    label: 'LoadBalancer',
    description: 'An external address from your load balancer, e.g. MetalLB.',
  },
  { value: 'Ingress', label: 'Ingress', description: 'A host name through your ingress.' },
];

/** Mantine's NumberInput value as the draft keeps it: a number, or empty while cleared. */
function numberValue(value: string | number): NumberValue {
  return typeof value === 'number' && Number.isFinite(value) ? value : '';
}

/**
 * Step 2: the cluster's shape — name, team, Ray version, worker groups within the template's
 * limits, autoscaling, exposure, environment variables and PVC volumes. Every input shows its
 * error under the server's field path, so client checks and server answers land in one place.
 * Enter submits the form, which previews the YAML.
 */
export function ShapeForm({
  template,
  draft,
  onChange,
  errorOf,
  teams,
  busy,
  onPreview,
  onCreate,
  onBack,
}: ShapeFormProps) {
  const edit = (patch: Partial<ClusterDraft>, ...paths: string[]) =>
    onChange({ ...draft, ...patch }, paths);
  const gpuName = templateGpuName(template);
  const allowedExposure = allowedExposureOf(template);

  const editGroup = (index: number, patch: Partial<ClusterDraft['workerGroups'][number]>) => {
    const field = Object.keys(patch)[0] ?? 'replicas';
    const workerGroups = draft.workerGroups.map((group, at) =>
      at === index ? { ...group, ...patch } : group,
    );
    onChange({ ...draft, workerGroups }, [
      `body.workerGroups[${index}].${field}`,
      'body.workerGroups',
    ]);
  };

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onPreview();
      }}
      aria-label="Cluster shape"
    >
      <Stack gap="lg">
        <Paper withBorder p="lg" radius="md">
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
            <TextInput
              label="Name"
              description="Lowercase letters, digits and '-'; at most 53 characters."
              placeholder="e.g. llm-finetune"
              required
              autoComplete="off"
              spellCheck={false}
              value={draft.name}
              onChange={(event) => edit({ name: event.currentTarget.value }, 'body.name')}
              error={errorOf('body.name')}
              data-autofocus
            />
            {teams.length > 0 ? (
              <NativeSelect
                label="Team"
                description="The Kubernetes namespace it runs in."
                required
                data={
                  teams.includes(draft.team) || draft.team === ''
                    ? [...teams]
                    : [draft.team, ...teams]
                }
                value={draft.team}
                onChange={(event) => edit({ team: event.currentTarget.value }, 'body.team')}
                error={errorOf('body.team')}
              />
            ) : (
              <TextInput
                label="Team"
                description="The Kubernetes namespace it runs in."
                required
                value={draft.team}
                onChange={(event) => edit({ team: event.currentTarget.value.trim() }, 'body.team')}
                error={errorOf('body.team')}
              />
            )}
            <NativeSelect
              label="Ray version"
              description={`Allowed by ${template.name}.`}
              data={template.allowedRayVersions}
              value={draft.rayVersion}
              onChange={(event) =>
                edit({ rayVersion: event.currentTarget.value }, 'body.rayVersion')
              }
              error={errorOf('body.rayVersion')}
            />
          </SimpleGrid>
        </Paper>

        <Fieldset legend="Worker groups" radius="md">
          <Stack gap="md">
            <Text size="sm" c={accessibleColors.muted}>
              Each worker gets{' '}
              {template.worker.gpu > 0 ? `${template.worker.gpu}× ${gpuName}, ` : ''}
              {template.worker.cpu} CPU and {template.worker.memory}. Template {template.name}{' '}
              allows {template.maxWorkers} workers in all.
            </Text>
            {draft.workerGroups.map((group, index) => {
              const path = `body.workerGroups[${index}]`;
              const gpus =
                typeof group.replicas === 'number' ? group.replicas * template.worker.gpu : 0;
              return (
                <Group key={group.key} align="flex-start" gap="sm" wrap="wrap">
                  <TextInput
                    label="Group"
                    w={180}
                    value={group.name}
                    onChange={(event) => editGroup(index, { name: event.currentTarget.value })}
                    error={errorOf(`${path}.name`)}
                  />
                  <NumberInput
                    label="Workers"
                    description={
                      template.worker.gpu > 0 ? `${gpus} GPU${gpus === 1 ? '' : 's'}` : 'CPU only'
                    }
                    w={130}
                    min={0}
                    max={draftLimits.maxReplicas}
                    allowDecimal={false}
                    allowNegative={false}
                    clampBehavior="none"
                    value={group.replicas}
                    onChange={(value) => editGroup(index, { replicas: numberValue(value) })}
                    error={errorOf(`${path}.replicas`)}
                  />
                  <NumberInput
                    label="Min replicas"
                    description={draft.autoscaling ? 'Autoscaler floor' : 'Lower bound'}
                    w={130}
                    min={0}
                    allowDecimal={false}
                    allowNegative={false}
                    clampBehavior="none"
                    value={group.minReplicas}
                    onChange={(value) => editGroup(index, { minReplicas: numberValue(value) })}
                    error={errorOf(`${path}.minReplicas`)}
                  />
                  <NumberInput
                    label="Max replicas"
                    description={`At most ${template.maxWorkers}`}
                    w={130}
                    min={0}
                    max={template.maxWorkers}
                    allowDecimal={false}
                    allowNegative={false}
                    clampBehavior="none"
                    value={group.maxReplicas}
                    onChange={(value) => editGroup(index, { maxReplicas: numberValue(value) })}
                    error={errorOf(`${path}.maxReplicas`)}
                  />
                  {draft.workerGroups.length > 1 && (
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      mt={46}
                      aria-label={`Remove worker group ${group.name || index + 1}`}
                      onClick={() =>
                        onChange(
                          {
                            ...draft,
                            workerGroups: draft.workerGroups.filter((_, at) => at !== index),
                          },
                          ['body.workerGroups*'],
                        )
                      }
                    >
                      <IconTrash size={18} aria-hidden />
                    </ActionIcon>
                  )}
                </Group>
              );
            })}
            {errorOf('body.workerGroups') && (
              <Text c="var(--mantine-color-error)" size="sm" role="alert">
                {errorOf('body.workerGroups')}
              </Text>
            )}
            <Group justify="space-between" align="flex-end">
              <Button
                variant="default"
                leftSection={<IconPlus size={16} aria-hidden />}
                disabled={draft.workerGroups.length >= draftLimits.maxGroups}
                onClick={() =>
                  onChange(
                    {
                      ...draft,
                      workerGroups: [
                        ...draft.workerGroups,
                        {
                          ...workerGroupFromTemplate(
                            template,
                            `group-${draft.workerGroups.length + 1}`,
                          ),
                          replicas: 0,
                        },
                      ],
                    },
                    [],
                  )
                }
              >
                Add worker group
              </Button>
            </Group>
            <Group align="flex-start" gap="lg">
              <Switch
                label="Autoscaling"
                description="Ray adds workers up to Max when work waits and removes idle ones."
                checked={draft.autoscaling}
                onChange={(event) => edit({ autoscaling: event.currentTarget.checked })}
                maw={360}
              />
              {draft.autoscaling && (
                <NumberInput
                  label="Idle timeout (seconds)"
                  description="How long a worker may idle before it is removed."
                  w={240}
                  min={draftLimits.minIdleTimeoutSeconds}
                  max={draftLimits.maxIdleTimeoutSeconds}
                  allowDecimal={false}
                  allowNegative={false}
                  clampBehavior="none"
                  value={draft.idleTimeoutSeconds}
                  onChange={(value) =>
                    edit(
                      { idleTimeoutSeconds: numberValue(value) },
                      'body.autoscaling.idleTimeoutSeconds',
                    )
                  }
                  error={errorOf('body.autoscaling.idleTimeoutSeconds')}
                />
              )}
            </Group>
          </Stack>
        </Fieldset>

        <Fieldset legend="Access" radius="md">
          <Stack gap="md">
            <Radio.Group
              label="Exposure"
              description={`How the head (dashboard, Ray client, Jobs API) is reachable from outside. Template ${template.name} allows ${allowedExposure.join(', ')}; an admin can allow more.`}
              value={draft.exposure}
              onChange={(value) => edit({ exposure: value as Exposure }, 'body.exposure')}
              error={errorOf('body.exposure')}
            >
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} mt="xs" spacing="sm">
                {exposures.map((option) => {
                  const allowed = allowedExposure.includes(option.value);
                  return (
                    <Radio
                      key={option.value}
                      value={option.value}
                      label={option.label}
                      description={
                        allowed
                          ? option.description
                          : `${option.description} Not allowed by template ${template.name}.`
                      }
                      disabled={!allowed}
                    />
                  );
                })}
              </SimpleGrid>
            </Radio.Group>
            {draft.exposure === 'Ingress' && (
              <TextInput
                label="Ingress host"
                placeholder="ray.lab.example"
                required
                maw={360}
                value={draft.ingressHost}
                onChange={(event) =>
                  edit({ ingressHost: event.currentTarget.value.trim() }, 'body.ingressHost')
                }
                error={errorOf('body.ingressHost')}
              />
            )}
          </Stack>
        </Fieldset>

        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Fieldset legend="Environment variables" radius="md">
            <Stack gap="sm">
              {draft.env.length === 0 && (
                <Text size="sm" c={accessibleColors.muted}>
                  None. Set e.g. HF_HOME for every Ray container.
                </Text>
              )}
              {draft.env.map((variable, index) => (
                <Group key={variable.key} align="flex-start" gap="xs" wrap="nowrap">
                  <TextInput
                    label="Variable"
                    flex={1}
                    spellCheck={false}
                    value={variable.name}
                    onChange={(event) =>
                      edit(
                        {
                          env: draft.env.map((row, at) =>
                            at === index ? { ...row, name: event.currentTarget.value } : row,
                          ),
                        },
                        `body.env[${index}].name`,
                      )
                    }
                    error={errorOf(`body.env[${index}].name`)}
                  />
                  <TextInput
                    label="Value"
                    flex={1}
                    spellCheck={false}
                    value={variable.value}
                    onChange={(event) =>
                      edit(
                        {
                          env: draft.env.map((row, at) =>
                            at === index ? { ...row, value: event.currentTarget.value } : row,
                          ),
                        },
                        `body.env[${index}].value`,
                      )
                    }
                    error={errorOf(`body.env[${index}].value`)}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    mt={28}
                    aria-label={`Remove variable ${variable.name || index + 1}`}
                    onClick={() =>
                      edit({ env: draft.env.filter((_, at) => at !== index) }, 'body.env*')
                    }
                  >
                    <IconTrash size={18} aria-hidden />
                  </ActionIcon>
                </Group>
              ))}
              <Button
                variant="default"
                leftSection={<IconPlus size={16} aria-hidden />}
                disabled={draft.env.length >= draftLimits.maxEnv}
                onClick={() =>
                  edit({ env: [...draft.env, { key: rowKey(), name: '', value: '' }] })
                }
                w="fit-content"
              >
                Add variable
              </Button>
            </Stack>
          </Fieldset>

          <Fieldset legend="Volumes" radius="md">
            <Stack gap="sm">
              {draft.volumes.length === 0 && (
                <Text size="sm" c={accessibleColors.muted}>
                  None. Mount an existing PersistentVolumeClaim of the team into every Ray pod.
                </Text>
              )}
              {draft.volumes.map((volume, index) => (
                <Group key={volume.key} align="flex-start" gap="xs" wrap="nowrap">
                  <TextInput
                    label="Volume claim"
                    flex={1}
                    spellCheck={false}
                    value={volume.claimName}
                    onChange={(event) =>
                      edit(
                        {
                          volumes: draft.volumes.map((row, at) =>
                            at === index
                              ? { ...row, claimName: event.currentTarget.value.trim() }
                              : row,
                          ),
                        },
                        `body.volumes[${index}].claimName`,
                      )
                    }
                    error={errorOf(`body.volumes[${index}].claimName`)}
                  />
                  <TextInput
                    label="Mount path"
                    flex={1}
                    spellCheck={false}
                    placeholder="/data"
                    value={volume.mountPath}
                    onChange={(event) =>
                      edit(
                        {
                          volumes: draft.volumes.map((row, at) =>
                            at === index
                              ? { ...row, mountPath: event.currentTarget.value.trim() }
                              : row,
                          ),
                        },
                        `body.volumes[${index}].mountPath`,
                      )
                    }
                    error={errorOf(`body.volumes[${index}].mountPath`)}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    mt={28}
                    aria-label={`Remove volume ${volume.claimName || index + 1}`}
                    onClick={() =>
                      edit(
                        { volumes: draft.volumes.filter((_, at) => at !== index) },
                        'body.volumes*',
                      )
                    }
                  >
                    <IconTrash size={18} aria-hidden />
                  </ActionIcon>
                </Group>
              ))}
              <Button
                variant="default"
                leftSection={<IconPlus size={16} aria-hidden />}
                disabled={draft.volumes.length >= draftLimits.maxVolumes}
                onClick={() =>
                  edit({
                    volumes: [
                      ...draft.volumes,
                      { key: rowKey(), claimName: '', mountPath: '/data' },
                    ],
                  })
                }
                w="fit-content"
              >
                Add volume
              </Button>
            </Stack>
          </Fieldset>
        </SimpleGrid>

        <Group justify="space-between">
          <Button variant="default" onClick={onBack}>
            Back to templates
          </Button>
          <Group gap="sm">
            <Button
              variant="default"
              onClick={onCreate}
              loading={busy === 'create'}
              disabled={busy !== undefined && busy !== 'create'}
            >
              Create cluster
            </Button>
            <Button
              type="submit"
              loading={busy === 'preview'}
              disabled={busy !== undefined && busy !== 'preview'}
            >
              Preview YAML
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
