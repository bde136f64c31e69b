import { AppShell, Badge, Burger, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconCpu,
  IconLayoutGrid,
  IconListCheck,
  IconRocket,
  IconServer2,
  IconSettings,
  IconTemplate,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { NavLink as RouterNavLink, Outlet } from 'react-router-dom';

import { useVersion } from '../hooks/useVersion.ts';
import { navigationEntries } from '../navigation.ts';
import { ColorSchemeToggle } from './ColorSchemeToggle.tsx';

const navigationIcons: Record<string, ReactNode> = {
  '/clusters': <IconServer2 size={18} stroke={1.6} />,
  '/jobs': <IconListCheck size={18} stroke={1.6} />,
  '/services': <IconRocket size={18} stroke={1.6} />,
  '/gpus': <IconCpu size={18} stroke={1.6} />,
  '/templates': <IconTemplate size={18} stroke={1.6} />,
  '/admin': <IconSettings size={18} stroke={1.6} />,
};

/** The portal's frame: header, sidebar navigation and the routed page. */
export function AppFrame() {
  const [navigationOpen, { toggle: toggleNavigation, close: closeNavigation }] = useDisclosure();
  const version = useVersion();

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navigationOpen } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger
              opened={navigationOpen}
              onClick={toggleNavigation}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <IconLayoutGrid size={22} aria-hidden />
            <Title order={1} size="h3">
              Raydeck
            </Title>
            <Text c="dimmed" size="sm" visibleFrom="sm">
              GPU self-service for Ray
            </Text>
          </Group>
          <Group gap="sm">
            {version.data && (
              <Badge variant="light" data-testid="server-version">
                v{version.data.version}
              </Badge>
            )}
            {version.isError && (
              <Badge color="red" variant="light" title={version.error.message}>
                server unreachable
              </Badge>
            )}
            <ColorSchemeToggle />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <ScrollArea>
          {navigationEntries.map((entry) => (
            <NavLink
              key={entry.path}
              component={RouterNavLink}
              to={entry.path}
              label={entry.label}
              leftSection={navigationIcons[entry.path]}
              onClick={closeNavigation}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>

      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
