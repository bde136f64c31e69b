import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  EmptyState,
  Group,
  Modal,
  NativeSelect,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconAlertCircle,
  IconAlertTriangle,
  IconCheck,
  IconCopy,
  IconKey,
  IconPlus,
  IconTrash,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

import {
  type ApiTokenInfo,
  type CreatedApiToken,
  defaultTokenLifetimeDays,
} from '../../shared/api/authSchemas.ts';
import { useApiClient } from '../hooks/useApiClient.ts';
import { fieldErrorsOf } from './admin/fieldErrorsOf.ts';
import { formatTime } from './admin/formatTime.ts';
import { notify } from './admin/notify.ts';

const tokensQueryKey = ['tokens'] as const;

/** Lifetimes offered for a new token, in days; '' means it never expires. */
const lifetimes = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: '', label: 'Never' },
];

/** How to use a token from a shell; the same lines teach the empty page and follow a new secret. */
function usageExample(token: string): string {
  const origin = window.location.origin;
  return [
    `export RAYDECK_TOKEN=${token}`,
    `curl -H "Authorization: Bearer $RAYDECK_TOKEN" ${origin}/api/v1/clusters`,
    `RAYDECK_URL=${origin} raydeck get clusters`,
  ].join('\n');
}

function CopyAction({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Button
          size="xs"
          variant={copied ? 'filled' : 'light'}
          color={copied ? 'teal' : undefined}
          leftSection={
            copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />
          }
          onClick={copy}
        >
          {copied ? 'Copied' : label}
        </Button>
      )}
    </CopyButton>
  );
}

/**
 * The create dialog: a name and a lifetime, then, once created, the secret with a copy button
 * and a warning. The secret lives only in this dialog's state: closing it forgets the secret,
 * and the server never shows it again (it keeps only a hash).
 */
function CreateTokenDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [lifetime, setLifetime] = useState(String(defaultTokenLifetimeDays));
  const [nameError, setNameError] = useState<string | undefined>(undefined);
  const [created, setCreated] = useState<CreatedApiToken | undefined>(undefined);
  const create = useMutation({
    mutationFn: () =>
      client.createToken({
        name: name.trim(),
        expiresInDays: lifetime ? Number(lifetime) : null,
      }),
    onSuccess: async (token) => {
      setCreated(token);
      await queryClient.invalidateQueries({ queryKey: tokensQueryKey });
    },
    onError: (error) => {
      setNameError(fieldErrorsOf(error, ['name'])['name']);
      notify.failure('Token not created', error);
    },
  });
  const close = () => {
    setCreated(undefined);
    setName('');
    setNameError(undefined);
    create.reset();
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? `Token ${created.name} created` : 'New API token'}
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack gap="md">
          <Alert
            color="yellow"
            variant="light"
            icon={<IconAlertTriangle size={18} aria-hidden />}
            title="Copy this token now"
          >
            This is the only time Raydeck shows it; it keeps only a hash. Store it like a password.
            If you lose it, revoke it and create another.
          </Alert>
          <Stack gap={6}>
            <Text size="sm" fw={500} id="new-token-label">
              Your new token
            </Text>
            <Group gap="sm" wrap="nowrap" align="center">
              <Code
                block
                fz="sm"
                style={{ flex: 1, wordBreak: 'break-all' }}
                data-testid="new-token-secret"
                aria-labelledby="new-token-label"
              >
                {created.token}
              </Code>
              <CopyAction value={created.token} label="Copy token" />
            </Group>
          </Stack>
          <Stack gap={6}>
            <Text size="sm" c="dimmed">
              Use it from a shell, a CI job or the <Code>raydeck</Code> CLI:
            </Text>
            <Code block fz="xs">
              {usageExample(created.token)}
            </Code>
          </Stack>
          <Group justify="flex-end">
            <Button onClick={close}>I have copied it</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <TextInput
              label="Name"
              description="What it is for, so you can tell it apart later, e.g. ci-pipeline"
              value={name}
              onChange={(event) => {
                setName(event.currentTarget.value);
                setNameError(undefined);
              }}
              error={nameError}
              data-autofocus
            />
            <NativeSelect
              label="Expires in"
              description="A token that never expires works until you revoke it."
              data={lifetimes}
              value={lifetime}
              onChange={(event) => setLifetime(event.currentTarget.value)}
            />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function RevokeTokenDialog({
  token,
  onClose,
}: {
  token: ApiTokenInfo | undefined;
  onClose: () => void;
}) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (target: ApiTokenInfo) => client.deleteToken(target.id),
    onSuccess: async (_nothing, target) => {
      notify.success(
        `Token ${target.name} revoked`,
        'Requests that use it are refused from now on.',
      );
      await queryClient.invalidateQueries({ queryKey: tokensQueryKey });
      onClose();
    },
    onError: (error, target) => notify.failure(`Could not revoke ${target.name}`, error),
  });
  return (
    <Modal opened={token !== undefined} onClose={onClose} title="Revoke token" centered>
      <Stack gap="md">
        <Text size="sm">
          Revoke <b>{token?.name}</b> (<Code>{token?.prefix}…</Code>)? Every script, job or CLI that
          uses it stops working at once. This cannot be undone.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button
            color="red"
            loading={revoke.isPending}
            onClick={() => token && revoke.mutate(token)}
          >
            Revoke token
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function TokenRows({
  tokens,
  onRevoke,
}: {
  tokens: ApiTokenInfo[];
  onRevoke: (token: ApiTokenInfo) => void;
}) {
  const [now] = useState(() => Date.now());
  return tokens.map((token) => {
    const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= now;
    return (
      <Table.Tr key={token.id}>
        <Table.Td fw={500}>{token.name}</Table.Td>
        <Table.Td>
          <Code>{token.prefix}…</Code>
        </Table.Td>
        <Table.Td>{formatTime(token.createdAt)}</Table.Td>
        <Table.Td>{formatTime(token.lastUsedAt, 'never')}</Table.Td>
        <Table.Td>
          {expired ? (
            <Badge color="red" variant="light">
              expired
            </Badge>
          ) : (
            formatTime(token.expiresAt, 'never')
          )}
        </Table.Td>
        <Table.Td ta="right">
          <Button
            size="xs"
            variant="subtle"
            color="red"
            leftSection={<IconTrash size={14} aria-hidden />}
            onClick={() => onRevoke(token)}
            aria-label={`Revoke ${token.name}`}
          >
            Revoke
          </Button>
        </Table.Td>
      </Table.Tr>
    );
  });
}

/**
 * `/tokens`: the signed-in user's API tokens for scripts, CI and the CLI. Lists name, prefix,
 * created, last used and expiry; creates a token and shows its secret exactly once, with a copy
 * button and a warning; revokes after a confirmation. With no tokens yet it explains what they
 * are for, with a shell example.
 */
export function TokensPage() {
  const client = useApiClient();
  const tokens = useQuery({ queryKey: tokensQueryKey, queryFn: () => client.listTokens() });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiTokenInfo | undefined>(undefined);
  const items = tokens.data?.items ?? [];

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>API tokens</Title>
          <Text c="dimmed" size="sm">
            Tokens let scripts, CI jobs and the <Code>raydeck</Code> CLI call the portal as you,
            with your role and teams.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
          New token
        </Button>
      </Group>

      {tokens.isError && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertCircle size={18} aria-hidden />}
          title="Could not load your tokens"
        >
          {tokens.error.message}
        </Alert>
      )}
      {tokens.isPending && (
        <Card withBorder radius="md" aria-busy aria-label="Loading tokens">
          {[0, 1, 2].map((row) => (
            <Skeleton key={row} height={18} my="sm" />
          ))}
        </Card>
      )}
      {tokens.isSuccess && items.length === 0 && (
        <Card withBorder radius="md" p="xl">
          <EmptyState
            icon={<IconKey size={32} aria-hidden />}
            withIndicatorBackground
            title="No API tokens yet"
            description="An API token signs requests as you without a password: for the raydeck CLI, CI pipelines, notebooks and ray job submit through Raydeck's dashboard proxy. Each token is shown once when you create it, and you can revoke it at any time."
          >
            <Code block fz="xs" ta="left" maw={640} mx="auto" w="100%">
              {usageExample('rdk_…')}
            </Code>
            <EmptyState.Actions>
              <Button
                leftSection={<IconPlus size={16} aria-hidden />}
                onClick={() => setCreating(true)}
              >
                Create your first token
              </Button>
            </EmptyState.Actions>
          </EmptyState>
        </Card>
      )}
      {items.length > 0 && (
        <Card withBorder radius="md" p={0}>
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Token</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                <TokenRows tokens={items} onRevoke={setRevoking} />
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}

      <CreateTokenDialog opened={creating} onClose={() => setCreating(false)} />
      <RevokeTokenDialog token={revoking} onClose={() => setRevoking(undefined)} />
    </Stack>
  );
}
