import '@mantine/notifications/styles.css';

import {
  Anchor,
  AppShell,
  Badge,
  Box,
  Burger,
  Group,
  NavLink,
  ScrollArea,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Notifications } from '@mantine/notifications';
import {
  IconCpu,
  IconFlask,
  IconLayoutGrid,
  IconListCheck,
  IconRocket,
  IconServer2,
  IconSettings,
  IconTemplate,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, NavLink as RouterNavLink, Outlet } from 'react-router-dom';

import { useApiClient } from '../hooks/useApiClient.ts';
import { useVersion } from '../hooks/useVersion.ts';
import { navigationEntries } from '../navigation.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { ColorSchemeToggle } from './ColorSchemeToggle.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { TeamSwitcher } from './TeamSwitcher.tsx';
import { UserMenu } from './UserMenu.tsx';

const navigationIcons: Record<string, ReactNode> = {
  '/clusters': <IconServer2 size={18} stroke={1.6} aria-hidden />,
  '/jobs': <IconListCheck size={18} stroke={1.6} aria-hidden />,
  '/services': <IconRocket size={18} stroke={1.6} aria-hidden />,
  '/gpus': <IconCpu size={18} stroke={1.6} aria-hidden />,
  '/templates': <IconTemplate size={18} stroke={1.6} aria-hidden />,
  '/admin': <IconSettings size={18} stroke={1.6} aria-hidden />,
};

/** Id of the page's main region, the target of the "Skip to content" link. */
const mainId = 'main-content';

/**
 * The header badge's words for a connection source: `apiserver-v2` says it goes through the
 * KubeRay APIServer (which limits what the portal can show); others as named.
 */
function connectionLabel(source: string): string {
  return source === 'apiserver-v2' ? 'KubeRay APIServer' : source;
}

/**
 * The signed-in portal's frame: a header (brand, team select, sandbox badge, server version,
 * theme toggle, account menu), the main navigation (admin-only sections only for admins), the
 * live-connection banner and the routed page. It also hosts the toast notifications that pages
 * show for mutations. Below the `sm` breakpoint (768 px) the navigation folds behind a burger.
 */
export function AppFrame() {
  const [navigationOpen, { toggle: toggleNavigation, close: closeNavigation }] = useDisclosure();
  const { user } = useSession();
  const version = useVersion();
  const client = useApiClient();
  const about = useQuery({ queryKey: ['about'], queryFn: () => client.about(), retry: false });
  const entries = navigationEntries.filter((entry) => !entry.adminOnly || user?.role === 'admin');

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !navigationOpen } }}
      padding="lg"
    >
      <Notifications position="top-right" zIndex={1000} />
      <Anchor
        href={`#${mainId}`}
        pos="fixed"
        top={8}
        left={8}
        px="sm"
        py={4}
        bg="var(--mantine-color-body)"
        style={{ zIndex: 1000, transform: 'translateY(-200%)' }}
        onFocus={(event) => (event.currentTarget.style.transform = 'none')}
        onBlur={(event) => (event.currentTarget.style.transform = 'translateY(-200%)')}
      >
        Skip to content
      </Anchor>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navigationOpen}
              onClick={toggleNavigation}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <IconLayoutGrid size={24} color="var(--mantine-color-indigo-6)" aria-hidden />
            <Title order={1} size="h3">
              Raydeck
            </Title>
            <Text c="dimmed" size="sm" visibleFrom="lg">
              GPU self-service for Ray
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {about.data?.connection.sandbox && (
              <Tooltip label="Clusters run in Raydeck’s embedded, simulated cluster. See About.">
                <Badge
                  component={Link}
                  to="/about"
                  color="grape"
                  variant="light"
                  leftSection={<IconFlask size={12} aria-hidden />}
                  visibleFrom="md"
                  style={{ cursor: 'pointer' }}
                >
                  Sandbox
                </Badge>
              </Tooltip>
            )}
            {about.data && !about.data.connection.sandbox && (
              // A real cluster: where the connection comes from (in-cluster, kubeconfig,
              // apiserver-v2), and the API server in the tooltip and the accessible name.
              <Tooltip label={`Cluster API server: ${about.data.connection.server}. See About.`}>
                <Badge
                  component={Link}
                  to="/about"
                  color="teal"
                  variant="light"
                  tt="none"
                  leftSection={<IconServer2 size={12} aria-hidden />}
                  visibleFrom="md"
                  style={{ cursor: 'pointer' }}
                  aria-label={`Cluster: ${connectionLabel(about.data.connection.source)} ${about.data.connection.server}`}
                >
                  {connectionLabel(about.data.connection.source)}
                </Badge>
              </Tooltip>
            )}
            <TeamSwitcher />
            {version.data && (
              <Badge variant="default" tt="none" data-testid="server-version" visibleFrom="md">
                v{version.data.version}
              </Badge>
            )}
            {version.isError && (
              <Badge color="red" variant="light" title={version.error.message}>
                server unreachable
              </Badge>
            )}
            <ColorSchemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Main navigation" component="nav">
        <ScrollArea>
          {entries.map((entry) => (
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

      <AppShell.Main id={mainId} tabIndex={-1} style={{ outline: 'none' }}>
        <Box maw={1440} mx="auto">
          <ConnectionBanner />
          <Outlet />
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
