import { Button, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

import type { Team } from '../../../shared/api/adminSchemas.ts';
import type { SetTeamQuotaRequest } from '../../../shared/api/quotaSchemas.ts';
import { TeamQuotaMeters, teamQuotaQueryKey } from '../../components/TeamQuotaMeters.tsx';
import { useApiClient } from '../../hooks/useApiClient.ts';
import { fieldErrorsOf } from './fieldErrorsOf.ts';
import { notify } from './notify.ts';

/** The form's text for a number or quantity setting ('' = no limit). */
interface QuotaDraft {
  gpus: number | string;
  cpu: string;
  memory: string;
}

/** The request for a draft: empty fields are left out (no limit). */
function requestOf(draft: QuotaDraft): SetTeamQuotaRequest {
  const gpus = typeof draft.gpus === 'number' ? draft.gpus : undefined;
  return {
    ...(gpus !== undefined ? { gpus } : {}),
    ...(draft.cpu.trim() ? { cpu: draft.cpu.trim() } : {}),
    ...(draft.memory.trim() ? { memory: draft.memory.trim() } : {}),
  };
}

/**
 * Sets a team's quota (admins): GPUs, CPU and memory, saved as the ResourceQuota
 * `raydeck-team-quota` in the team's namespace, with the team's current used/limit meters.
 */
export function TeamQuotaDialog({
  team,
  onClose,
}: {
  team: Team | undefined;
  onClose: () => void;
}) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const name = team?.name ?? '';
  const current = useQuery({
    queryKey: teamQuotaQueryKey(name),
    queryFn: () => client.teamQuota(name),
    enabled: team !== undefined,
  });
  const [draft, setDraft] = useState<QuotaDraft | undefined>(undefined);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const settings = current.data?.settings;
  const shown: QuotaDraft = draft ?? {
    gpus: settings?.gpus ?? '',
    cpu: settings?.cpu ?? '',
    memory: settings?.memory ?? '',
  };
  const save = useMutation({
    mutationFn: (body: SetTeamQuotaRequest) => client.setTeamQuota(name, body),
    onSuccess: async (saved) => {
      notify.success(`Quota of ${saved.team} saved`, 'Kubernetes enforces it from now on.');
      queryClient.setQueryData(teamQuotaQueryKey(name), saved);
      await queryClient.invalidateQueries({ queryKey: teamQuotaQueryKey(name) });
      close();
    },
    onError: (error) => {
      setErrors(fieldErrorsOf(error, ['gpus', 'cpu', 'memory']));
      notify.failure('Quota not saved', error);
    },
  });
  function close() {
    setDraft(undefined);
    setErrors({});
    save.reset();
    onClose();
  }
  const change = (patch: Partial<QuotaDraft>) => {
    setDraft({ ...shown, ...patch });
    setErrors({});
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate(requestOf(shown));
  };
  return (
    <Modal opened={team !== undefined} onClose={close} title={`Quota of ${name}`}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TeamQuotaMeters team={name} />
          <Text size="sm" c="dimmed">
            Saved as the ResourceQuota raydeck-team-quota in the {name} namespace. Leave a field
            empty for no limit.
          </Text>
          <NumberInput
            label="GPUs"
            description="requests.nvidia.com/gpu: whole GPUs the team's pods may hold together"
            min={0}
            max={100_000}
            allowDecimal={false}
            value={shown.gpus}
            onChange={(value) => change({ gpus: value })}
            error={errors['gpus']}
            data-autofocus
          />
          <TextInput
            label="CPU"
            description="requests.cpu, e.g. 64 or 500m"
            value={shown.cpu}
            onChange={(event) => change({ cpu: event.currentTarget.value })}
            error={errors['cpu']}
          />
          <TextInput
            label="Memory"
            description="requests.memory, e.g. 256Gi"
            value={shown.memory}
            onChange={(event) => change({ memory: event.currentTarget.value })}
            error={errors['memory']}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save quota
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
