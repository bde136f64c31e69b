import {
  ActionIcon,
  Alert,
  Avatar,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Menu,
  Modal,
  MultiSelect,
  NativeSelect,
  PasswordInput,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconAlertCircle,
  IconDots,
  IconKey,
  IconPlus,
  IconSearch,
  IconTrash,
  IconUserCheck,
  IconUserOff,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

import type { AdminUser, UpdateUserRequest } from '../../../shared/api/adminSchemas.ts';
import type { UserRole } from '../../../shared/api/authSchemas.ts';
import { minPasswordLength, passwordProblem } from '../../../shared/api/passwordProblem.ts';
import { useApiClient } from '../../hooks/useApiClient.ts';
import { useSession } from '../../session/SessionProvider.tsx';
import { adminQueryKeys } from './adminQueryKeys.ts';
import { fieldErrorsOf } from './fieldErrorsOf.ts';
import { formatTime } from './formatTime.ts';
import { notify } from './notify.ts';

/** The roles, with what each may do, for selects and their descriptions. */
const roleOptions: { value: UserRole; label: string }[] = [
  { value: 'viewer', label: 'viewer' },
  { value: 'member', label: 'member' },
  { value: 'admin', label: 'admin' },
];
const roleHelp =
  'viewer: reads their teams · member: creates and changes clusters in their teams · admin: everything';

/** What the password inputs say; the rule itself is the server's `passwordProblem`. */
const passwordHelp = `At least ${minPasswordLength} characters, not containing the username, not a common password`;

function useUpdateUser() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ user, changes }: { user: AdminUser; changes: UpdateUserRequest }) =>
      client.updateUser(user.id, changes),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: adminQueryKeys.users });
    },
  });
}

function CreateUserDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<UserRole>('member');
  const [teams, setTeams] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const teamList = useQuery({
    queryKey: adminQueryKeys.teams,
    queryFn: () => client.listTeams(),
    enabled: opened,
  });
  const create = useMutation({
    mutationFn: () =>
      client.createUser({
        username: username.trim(),
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        password,
        role,
        ...(teams.length > 0 ? { teams } : {}),
      }),
    onSuccess: async (created) => {
      notify.success(
        `User ${created.username} created`,
        created.teams.length > 0
          ? `Member of ${created.teams.join(', ')}.`
          : 'Add them to a team on the Teams tab so they can work in its namespace.',
      );
      await queryClient.invalidateQueries({ queryKey: adminQueryKeys.users });
      close();
    },
    onError: (error) => {
      setErrors(fieldErrorsOf(error, ['username', 'displayName', 'password', 'role', 'teams']));
      notify.failure('User not created', error);
    },
  });
  function close() {
    setUsername('');
    setDisplayName('');
    setPassword('');
    setRole('member');
    setTeams([]);
    setErrors({});
    create.reset();
    onClose();
  }
  const clear = (key: string) => setErrors(({ [key]: _fixed, ...rest }) => rest);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The same rule the server applies, so a weak password is named before any request.
    const problem = passwordProblem(password, username.trim());
    if (problem) {
      setErrors((current) => ({ ...current, password: `Password ${problem}` }));
      return;
    }
    create.mutate();
  };
  return (
    <Modal opened={opened} onClose={close} title="New user">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label="Username"
            description="What they sign in with: letters, digits and . _ @ + -"
            autoComplete="off"
            value={username}
            onChange={(event) => {
              setUsername(event.currentTarget.value);
              clear('username');
            }}
            error={errors['username']}
            data-autofocus
          />
          <TextInput
            label="Display name"
            description="Optional; defaults to the username"
            value={displayName}
            onChange={(event) => {
              setDisplayName(event.currentTarget.value);
              clear('displayName');
            }}
            error={errors['displayName']}
          />
          <PasswordInput
            label="Password"
            // Its own name must not contain "password": getByLabel('Password') would match it too.
            visibilityToggleButtonProps={{ 'aria-label': 'Show typed characters' }}
            description={`${passwordHelp}; tell it to them over a private channel`}
            autoComplete="new-password"
            value={password}
            onChange={(event) => {
              setPassword(event.currentTarget.value);
              clear('password');
            }}
            error={errors['password']}
          />
          <NativeSelect
            label="Role"
            description={roleHelp}
            data={roleOptions}
            value={role}
            onChange={(event) => setRole(event.currentTarget.value as UserRole)}
            error={errors['role']}
          />
          <MultiSelect
            label="Teams"
            description="Optional; the teams (namespaces) they work in from the start"
            data={(teamList.data?.items ?? []).map((team) => team.name)}
            value={teams}
            onChange={(value) => {
              setTeams(value);
              clear('teams');
            }}
            searchable
            clearable
            error={errors['teams']}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPasswordDialog({
  user,
  onClose,
}: {
  user: AdminUser | undefined;
  onClose: () => void;
}) {
  const update = useUpdateUser();
  const [password, setPassword] = useState('');
  const [keepTokens, setKeepTokens] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const close = () => {
    setPassword('');
    setKeepTokens(false);
    setError(undefined);
    update.reset();
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!user) return;
    const problem = passwordProblem(password, user.username);
    if (problem) {
      setError(`Password ${problem}`);
      return;
    }
    update.mutate(
      { user, changes: { password, ...(keepTokens ? { revokeTokens: false } : {}) } },
      {
        onSuccess: () => {
          notify.success(
            `Password of ${user.username} reset`,
            keepTokens
              ? 'Their open sessions have ended; their API tokens keep working.'
              : 'Their open sessions have ended and their API tokens are revoked.',
          );
          close();
        },
        onError: (failure) => {
          setError(fieldErrorsOf(failure, ['password'])['password']);
          notify.failure('Password not reset', failure);
        },
      },
    );
  };
  return (
    <Modal
      opened={user !== undefined}
      onClose={close}
      title={`Reset password of ${user?.username ?? ''}`}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <PasswordInput
            label="New password"
            // Its own name must not contain "password": getByLabel('Password') would match it too.
            visibilityToggleButtonProps={{ 'aria-label': 'Show typed characters' }}
            description={`${passwordHelp}. Their browser sessions end.`}
            autoComplete="new-password"
            value={password}
            onChange={(event) => {
              setPassword(event.currentTarget.value);
              setError(undefined);
            }}
            error={error}
            data-autofocus
          />
          <Checkbox
            label="Keep their API tokens working"
            description="Leave unticked when the old password may have leaked: the tokens are revoked."
            checked={keepTokens}
            onChange={(event) => setKeepTokens(event.currentTarget.checked)}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DisableUserDialog({
  user,
  onClose,
}: {
  user: AdminUser | undefined;
  onClose: () => void;
}) {
  const update = useUpdateUser();
  const disable = () => {
    if (!user) return;
    update.mutate(
      { user, changes: { disabled: true } },
      {
        onSuccess: () => {
          notify.success(`${user.username} disabled`, 'They can no longer sign in.');
          onClose();
        },
        onError: (failure) => notify.failure(`Could not disable ${user.username}`, failure),
      },
    );
  };
  return (
    <Modal opened={user !== undefined} onClose={onClose} title="Disable user" centered>
      <Stack gap="md">
        <Text size="sm">
          Disable <b>{user?.username}</b>? They can no longer sign in, their open sessions end and
          their API tokens stop working. Their clusters keep running; you can enable them again.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" loading={update.isPending} onClick={disable}>
            Disable user
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function DeleteUserDialog({ user, onClose }: { user: AdminUser | undefined; onClose: () => void }) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (target: AdminUser) => client.deleteUser(target.id),
    onSuccess: async (_nothing, target) => {
      notify.success(`${target.username} deleted`, 'Their clusters are kept.');
      await queryClient.invalidateQueries({ queryKey: adminQueryKeys.users });
      await queryClient.invalidateQueries({ queryKey: adminQueryKeys.teams });
      onClose();
    },
    onError: (failure, target) => notify.failure(`Could not delete ${target.username}`, failure),
  });
  return (
    <Modal opened={user !== undefined} onClose={onClose} title="Delete user" centered>
      <Stack gap="md">
        <Text size="sm">
          Delete <b>{user?.username}</b>? Their account, team memberships, sessions and API tokens
          go for good; the audit log keeps their name. Their clusters are kept and keep running:
          delete them on the Clusters page if nobody needs them.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => user && remove.mutate(user)}
          >
            Delete user
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function UserRow({
  user,
  isSelf,
  onResetPassword,
  onDisable,
  onDelete,
}: {
  user: AdminUser;
  isSelf: boolean;
  onResetPassword: () => void;
  onDisable: () => void;
  onDelete: () => void;
}) {
  const update = useUpdateUser();
  const changeRole = (role: UserRole) =>
    update.mutate(
      { user, changes: { role } },
      {
        onSuccess: (saved) => notify.success(`${saved.username} is now ${saved.role}`),
        onError: (failure) => notify.failure(`Role of ${user.username} not changed`, failure),
      },
    );
  const enable = () =>
    update.mutate(
      { user, changes: { disabled: false } },
      {
        onSuccess: (saved) =>
          notify.success(`${saved.username} enabled`, 'They can sign in again.'),
        onError: (failure) => notify.failure(`Could not enable ${user.username}`, failure),
      },
    );
  return (
    <Table.Tr opacity={user.disabled ? 0.6 : 1}>
      <Table.Td>
        <Group gap="sm" wrap="nowrap">
          <Avatar size={32} radius="xl" color="indigo" aria-hidden>
            {(user.displayName || user.username).slice(0, 2).toUpperCase()}
          </Avatar>
          <div>
            <Text size="sm" fw={500}>
              {user.displayName}
              {isSelf && (
                <Text span c="dimmed" size="xs">
                  {' '}
                  (you)
                </Text>
              )}
            </Text>
            <Text size="xs" c="dimmed">
              {user.username}
            </Text>
          </div>
        </Group>
      </Table.Td>
      <Table.Td>
        <NativeSelect
          aria-label={`Role of ${user.username}`}
          size="xs"
          w={110}
          data={roleOptions}
          value={user.role}
          disabled={update.isPending}
          onChange={(event) => changeRole(event.currentTarget.value as UserRole)}
        />
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {user.teams.length === 0 ? (
            <Text size="xs" c="dimmed">
              no team
            </Text>
          ) : (
            user.teams.map((team) => (
              <Badge key={team} variant="outline" color="indigo.9" size="sm" tt="none">
                {team}
              </Badge>
            ))
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        {user.hasPassword ? (
          <Badge variant="default" size="sm">
            password
          </Badge>
        ) : (
          <Badge variant="outline" color="cyan.9" size="sm">
            SSO
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        {user.disabled ? (
          <Badge color="gray" size="sm">
            disabled
          </Badge>
        ) : (
          <Badge color="teal.9" variant="outline" size="sm">
            active
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="xs">{formatTime(user.createdAt)}</Text>
      </Table.Td>
      <Table.Td ta="right">
        <Menu position="bottom-end" withinPortal hideDetached={false}>
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${user.username}`}>
              <IconDots size={16} aria-hidden />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item
              leftSection={<IconKey size={14} aria-hidden />}
              onClick={onResetPassword}
              disabled={!user.hasPassword}
            >
              Reset password
            </Menu.Item>
            {user.disabled ? (
              <Menu.Item leftSection={<IconUserCheck size={14} aria-hidden />} onClick={enable}>
                Enable
              </Menu.Item>
            ) : (
              <Menu.Item
                color="red"
                leftSection={<IconUserOff size={14} aria-hidden />}
                onClick={onDisable}
                disabled={isSelf}
              >
                Disable
              </Menu.Item>
            )}
            <Menu.Item
              color="red"
              leftSection={<IconTrash size={14} aria-hidden />}
              onClick={onDelete}
              disabled={isSelf}
            >
              Delete
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * The Users tab: every account with role, teams, sign-in kind and state. Admins create users,
 * change a role in place, reset a password and disable or enable an account; the server's
 * refusals (the last admin, a taken username) are shown as they are.
 */
export function UsersPanel() {
  const client = useApiClient();
  const { user: me } = useSession();
  const users = useQuery({ queryKey: adminQueryKeys.users, queryFn: () => client.listUsers() });
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<AdminUser | undefined>(undefined);
  const [disabling, setDisabling] = useState<AdminUser | undefined>(undefined);
  const [deleting, setDeleting] = useState<AdminUser | undefined>(undefined);
  const needle = search.trim().toLowerCase();
  const shown = (users.data?.items ?? []).filter(
    (user) =>
      !needle ||
      user.username.toLowerCase().includes(needle) ||
      user.displayName.toLowerCase().includes(needle) ||
      user.teams.some((team) => team.includes(needle)),
  );

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <TextInput
          aria-label="Search users"
          placeholder="Search by name or team"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={280}
        />
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
          New user
        </Button>
      </Group>
      {users.isError && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertCircle size={18} aria-hidden />}
          title="Could not load users"
        >
          {users.error.message}
        </Alert>
      )}
      {users.isPending && (
        <Card withBorder radius="md" aria-busy aria-label="Loading users">
          {[0, 1, 2, 3].map((row) => (
            <Skeleton key={row} height={32} my="xs" />
          ))}
        </Card>
      )}
      {users.isSuccess && (
        <Card withBorder radius="md" p={0}>
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Users">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Teams</Table.Th>
                  <Table.Th>Sign-in</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((user) => (
                  <UserRow
                    key={user.id}
                    user={user}
                    isSelf={user.id === me?.id}
                    onResetPassword={() => setResetting(user)}
                    onDisable={() => setDisabling(user)}
                    onDelete={() => setDeleting(user)}
                  />
                ))}
                {shown.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={7}>
                      <Text size="sm" c="dimmed" ta="center" py="md">
                        No user matches “{search}”.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <CreateUserDialog opened={creating} onClose={() => setCreating(false)} />
      <ResetPasswordDialog user={resetting} onClose={() => setResetting(undefined)} />
      <DisableUserDialog user={disabling} onClose={() => setDisabling(undefined)} />
      <DeleteUserDialog user={deleting} onClose={() => setDeleting(undefined)} />
    </Stack>
  );
}
