import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link, useLocation } from 'react-router-dom';

/** Shown for any path the router does not know. */
export function NotFoundPage() {
  const location = useLocation();
  return (
    <Stack gap="sm">
      <Title order={2}>Page not found</Title>
      <Text>
        Nothing lives at <code>{location.pathname}</code>.{' '}
        <Anchor component={Link} to="/clusters">
          Go to your clusters
        </Anchor>
        .
      </Text>
    </Stack>
  );
}
