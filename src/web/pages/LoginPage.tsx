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
import { IconAlertCircle, IconLayoutGrid } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';

import { ColorSchemeToggle } from '../components/ColorSchemeToggle.tsx';
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

/**
 * `/login`: sign in with a local account (inputs "Username" and "Password", button "Sign in").
 * The server's answer is shown as it is (a wrong password, a sign-in brake, an unreachable
 * server). On success the browser goes to `next` or /clusters; a signed-in visitor goes there at
 * once.
 */
export function LoginPage() {
  const { user, login } = useSession();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNext(searchParams.get('next'));
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
          <Text c="dimmed" size="xs" ta="center">
            First start? The first admin is <Code>admin</Code>; its password is the one{' '}
            <Code>raydeck serve</Code> printed (or <Code>RAYDECK_ADMIN_PASSWORD</Code>).
          </Text>
        </Stack>
      </Center>
    </Box>
  );
}
