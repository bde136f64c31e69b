import {
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Code,
  EmptyState,
  Group,
  Modal,
  MultiSelect,
  Skeleton,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconAlertCircle,
  IconGauge,
  IconPlus,
  IconTrash,
  IconUsersGroup,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

import type { Team } from '../../../shared/api/adminSchemas.ts';
import { useApiClient } from '../../hooks/useApiClient.ts';
import { adminQueryKeys } from './adminQueryKeys.ts';
import { fieldErrorsOf } from './fieldErrorsOf.ts';
import { formatTime } from './formatTime.ts';
import { notify } from './notify.ts';
import { TeamQuotaDialog } from './TeamQuotaDialog.tsx';

function CreateTeamDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      client.createTeam({
        name: name.trim(),
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        ...(description.trim() ? { description: description.trim() } : {}),
      }),
    onSuccess: async (team) => {
      notify.success(`Team ${team.name} created`, 'Add its members with “Members”.');
      await queryClient.invalidateQueries({ queryKey: adminQueryKeys.teams });
      close();
    },
    onError: (error) => {
      setErrors(fieldErrorsOf(error, ['name', 'displayName', 'description']));
      notify.failure('Team not created', error);
    },
  });
  function close() {
    setName('');
    setDisplayName('');
    setDescription('');
    setErrors({});
    create.reset();
    onClose();
  }
  const clear = (key: string) => setErrors(({ [key]: _fixed, ...rest }) => rest);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Modal opened={opened} onClose={close} title="New team">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label="Name"
            description="Also its Kubernetes namespace: lower-case letters, digits and dashes"
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              clear('name');
            }}
            error={errors['name']}
            data-autofocus
          />
          <TextInput
            label="Display name"
            description="Optional; defaults to the name"
            value={displayName}
            onChange={(event) => {
              setDisplayName(event.currentTarget.value);
              clear('displayName');
            }}
            error={errors['displayName']}
          />
          <Textarea
            label="Description"
            rows={2}
            value={description}
            onChange={(event) => {
              setDescription(event.currentTarget.value);
              clear('description');
            }}
            error={errors['description']}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create team
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Height of the members list when open, in pixels. */
const memberListHeight = 200;

/** Picks a team's members among every user; saving replaces the member list. */
function MembersDialog({ team, onClose }: { team: Team | undefined; onClose: () => void }) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: adminQueryKeys.users,
    queryFn: () => client.listUsers(),
    enabled: team !== undefined,
  });
  const [members, setMembers] = useState<string[] | undefined>(undefined);
  const [listOpen, setListOpen] = useState(false);
  const chosen = members ?? team?.members ?? [];
  const save = useMutation({
    mutationFn: (next: { team: Team; members: string[] }) =>
      client.setTeamMembers(next.team.name, next.members),
    onSuccess: async (saved) => {
      const count = saved.members.length;
      notify.success(
        `Members of ${saved.name} saved`,
        `${count} ${count === 1 ? 'member' : 'members'}.`,
      );
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: adminQueryKeys.teams }),
        queryClient.invalidateQueries({ queryKey: adminQueryKeys.users }),
        // The admin may have changed their own teams, which the session lists.
        queryClient.invalidateQueries({ queryKey: ['session'] }),
      ]);
      close();
    },
    onError: (error, next) => notify.failure(`Members of ${next.team.name} not saved`, error),
  });
  function close() {
    setMembers(undefined);
    save.reset();
    onClose();
  }
  const options = [
    ...new Set([...(users.data?.items.map((user) => user.username) ?? []), ...chosen]),
  ].sort();
  return (
    <Modal opened={team !== undefined} onClose={close} title={`Members of ${team?.name ?? ''}`}>
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          Members see and manage the Ray clusters in the <Code>{team?.name}</Code> namespace, as
          their role allows.
        </Text>
        {users.isError && (
          <Alert color="red" variant="light" title="Could not load users">
            {users.error.message}
          </Alert>
        )}
        <MultiSelect
          label={`Members of ${team?.name ?? ''}`}
          placeholder={users.isPending ? 'Loading users…' : 'Pick users'}
          data={options}
          value={chosen}
          onChange={setMembers}
          searchable
          clearable
          nothingFoundMessage="No user of that name"
          data-autofocus
          // The list opens below and never flips over the buttons: while it is open, a spacer
          // as tall as the list keeps Cancel and Save below it.
          maxDropdownHeight={memberListHeight}
          comboboxProps={{ position: 'bottom', middlewares: { flip: false, shift: false } }}
          onDropdownOpen={() => setListOpen(true)}
          onDropdownClose={() => setListOpen(false)}
        />
        {listOpen && <Box h={memberListHeight + 16} aria-hidden data-testid="member-list-room" />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            loading={save.isPending}
            onClick={() => team && save.mutate({ team, members: chosen })}
          >
            Save members
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function DeleteTeamDialog({ team, onClose }: { team: Team | undefined; onClose: () => void }) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (target: Team) => client.deleteTeam(target.name),
    onSuccess: async (_nothing, target) => {
      notify.success(`Team ${target.name} deleted`, 'Its namespace and clusters are untouched.');
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: adminQueryKeys.teams }),
        queryClient.invalidateQueries({ queryKey: adminQueryKeys.users }),
        // The admin may have changed their own teams, which the session lists.
        queryClient.invalidateQueries({ queryKey: ['session'] }),
      ]);
      onClose();
    },
    onError: (error, target) => notify.failure(`Could not delete ${target.name}`, error),
  });
  return (
    <Modal opened={team !== undefined} onClose={onClose} title="Delete team" centered>
      <Stack gap="md">
        <Text size="sm">
          Delete the team <b>{team?.name}</b>?{' '}
          {(team?.members.length ?? 0) === 1
            ? 'Its 1 member loses access'
            : `Its ${team?.members.length ?? 0} members lose access`}{' '}
          to it through Raydeck. The Kubernetes namespace and the clusters in it are not deleted.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => team && remove.mutate(team)}
          >
            Delete team
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * The Teams tab: each team (a Kubernetes namespace plus its members) with its description,
 * members and creation time. Admins create teams, set members and delete teams; deleting never
 * deletes the namespace.
 */
export function TeamsPanel() {
  const client = useApiClient();
  const teams = useQuery({ queryKey: adminQueryKeys.teams, queryFn: () => client.listTeams() });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Team | undefined>(undefined);
  const [deleting, setDeleting] = useState<Team | undefined>(undefined);
  const [quotaOf, setQuotaOf] = useState<Team | undefined>(undefined);
  const items = teams.data?.items ?? [];

  return (
    <Stack gap="md">
      <Group justify="flex-end">
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
          New team
        </Button>
      </Group>
      {teams.isError && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertCircle size={18} aria-hidden />}
          title="Could not load teams"
        >
          {teams.error.message}
        </Alert>
      )}
      {teams.isPending && (
        <Card withBorder radius="md" aria-busy aria-label="Loading teams">
          {[0, 1, 2].map((row) => (
            <Skeleton key={row} height={32} my="xs" />
          ))}
        </Card>
      )}
      {teams.isSuccess && items.length === 0 && (
        <Card withBorder radius="md" p="xl">
          <EmptyState
            icon={<IconUsersGroup size={32} aria-hidden />}
            withIndicatorBackground
            title="No teams yet"
            description="A team is a Kubernetes namespace plus the users who work in it. Members create and see Ray clusters only in their teams’ namespaces, so create a team and add its members before they start."
          >
            <EmptyState.Actions>
              <Button
                leftSection={<IconPlus size={16} aria-hidden />}
                onClick={() => setCreating(true)}
              >
                Create the first team
              </Button>
            </EmptyState.Actions>
          </EmptyState>
        </Card>
      )}
      {items.length > 0 && (
        <Card withBorder radius="md" p={0}>
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Teams">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Team</Table.Th>
                  <Table.Th>Members</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((team) => (
                  <Table.Tr key={team.name}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {team.displayName}
                      </Text>
                      <Group gap={6}>
                        {team.displayName !== team.name && <Code fz="xs">{team.name}</Code>}
                        {team.description && (
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {team.description}
                          </Text>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {team.members.length === 0 ? (
                          <Text size="xs" c="dimmed">
                            nobody yet
                          </Text>
                        ) : (
                          team.members.map((member) => (
                            <Badge key={member} variant="light" size="sm" tt="none">
                              {member}
                            </Badge>
                          ))
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{formatTime(team.createdAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="light"
                          leftSection={<IconUsersGroup size={14} aria-hidden />}
                          onClick={() => setEditing(team)}
                          aria-label={`Members of ${team.name}`}
                        >
                          Members
                        </Button>
                        <Button
                          size="xs"
                          variant="light"
                          leftSection={<IconGauge size={14} aria-hidden />}
                          onClick={() => setQuotaOf(team)}
                          aria-label={`Quota of ${team.name}`}
                        >
                          Quota
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          leftSection={<IconTrash size={14} aria-hidden />}
                          onClick={() => setDeleting(team)}
                          aria-label={`Delete ${team.name}`}
                        >
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <CreateTeamDialog opened={creating} onClose={() => setCreating(false)} />
      <MembersDialog key={editing?.name} team={editing} onClose={() => setEditing(undefined)} />
      <DeleteTeamDialog team={deleting} onClose={() => setDeleting(undefined)} />
      <TeamQuotaDialog key={quotaOf?.name} team={quotaOf} onClose={() => setQuotaOf(undefined)} />
    </Stack>
  );
}
