import {
  Alert,
  Box,
  Button,
  Center,
  Code,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertCircle, IconLayoutGrid, IconLogin2 } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';

import { ColorSchemeToggle } from '../components/ColorSchemeToggle.tsx';
import { useApiClient } from '../hooks/useApiClient.ts';
import { useSession } from '../session/SessionProvider.tsx';

/**
 * Where to go after signing in: the `next` query when it is a path of this portal (so a crafted
 * link cannot send the user to another site), else the clusters list.
 */
function safeNext(next: string | null): string {
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')) {
    return next;
  }
  return '/clusters';
}

/** What each `ssoError` reason of the OIDC callback means to the person signing in. */
const ssoErrorMessages: Record<string, string> = {
  NoMappedGroup:
    'Your identity provider account is in none of the groups that give access to Raydeck. Ask an admin to add you to your team’s group.',
  UserDisabled: 'This account is disabled.',
  InvalidState: 'This sign-in was not started in this browser or was already used. Sign in again.',
  SignInExpired: 'The sign-in took too long. Sign in again.',
  InvalidIdToken: 'The identity provider’s answer did not check out. Sign in again.',
  ProviderRefused: 'The identity provider refused the sign-in.',
};

/**
 * `/login`: sign in with single sign-on (button "Sign in with SSO", when the server has OIDC)
 * and/or a local account (inputs "Username" and "Password", button "Sign in").
 * The server's answer is shown as it is (a wrong password, a sign-in brake, an unreachable
 * server). On success the browser goes to `next` or /clusters; a signed-in visitor goes there at
 * once.
 */
export function LoginPage() {
  const { user, login } = useSession();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNext(searchParams.get('next'));
  const ssoError = searchParams.get('ssoError');
  const apiClient = useApiClient();
  // Until the server answers (or if it cannot), offer the local form as before.
  const methods = useQuery({
    queryKey: ['auth', 'methods'],
    queryFn: () => apiClient.signInMethods(),
    retry: false,
  }).data ?? { local: true, oidcLoginPath: null };
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [submitting, setSubmitting] = useState(false);

  if (user) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitting(true);
    setError(undefined);
    try {
      await login({ username: username.trim(), password });
      await navigate(next, { replace: true });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setSubmitting(false);
    }
  };

  return (
    <Box mih="100vh" bg="var(--mantine-color-default-hover)">
      <Group component="header" justify="flex-end" p="md">
        <ColorSchemeToggle />
      </Group>
      <Center component="main" px="md" pb={80}>
        <Stack w="100%" maw={400} gap="lg">
          <Stack align="center" gap={4}>
            <IconLayoutGrid size={40} color="var(--mantine-color-indigo-6)" aria-hidden />
            <Title order={1} size="h2">
              Sign in to Raydeck
            </Title>
            <Text c="dimmed" size="sm" ta="center">
              GPU self-service for Ray on Kubernetes
            </Text>
          </Stack>
          {ssoError && (
            <Alert
              color="red"
              variant="light"
              icon={<IconAlertCircle size={18} aria-hidden />}
              title="Single sign-on failed"
              role="alert"
            >
              {ssoErrorMessages[ssoError] ?? 'The sign-in did not complete. Sign in again.'}
            </Alert>
          )}
          {methods.oidcLoginPath && (
            <Button
              component="a"
              href={`${methods.oidcLoginPath}?${new URLSearchParams({ returnTo: next }).toString()}`}
              size="md"
              fullWidth
              leftSection={<IconLogin2 size={18} aria-hidden />}
            >
              Sign in with SSO
            </Button>
          )}
          {methods.local && (
            <Paper withBorder shadow="sm" p="xl" radius="md">
              <form onSubmit={(event) => void submit(event)} noValidate>
                <Stack gap="md">
                  {error && (
                    <Alert
                      color="red"
                      variant="light"
                      icon={<IconAlertCircle size={18} aria-hidden />}
                      title="Sign-in failed"
                      role="alert"
                    >
                      {error}
                    </Alert>
                  )}
                  <TextInput
                    label="Username"
                    autoComplete="username"
                    autoCapitalize="none"
                    spellCheck={false}
                    data-autofocus
                    autoFocus
                    value={username}
                    onChange={(event) => setUsername(event.currentTarget.value)}
                  />
                  <PasswordInput
                    label="Password"
                    // Its own name must not contain "password": getByLabel('Password') would match it too.
                    visibilityToggleButtonProps={{ 'aria-label': 'Show typed characters' }}
                    autoComplete="current-password"
                    value={password}
                    onChange={(event) => setPassword(event.currentTarget.value)}
                  />
                  <Button
                    type="submit"
                    fullWidth
                    loading={submitting}
                    disabled={!username.trim() || !password}
                  >
                    Sign in
                  </Button>
                </Stack>
              </form>
            </Paper>
          )}
          <Text c="dimmed" size="xs" ta="center">
            First start? The first admin is <Code>admin</Code>; its password is the one{' '}
            <Code>raydeck serve</Code> printed (or <Code>RAYDECK_ADMIN_PASSWORD</Code>).
          </Text>
        </Stack>
      </Center>
    </Box>
  );
}
