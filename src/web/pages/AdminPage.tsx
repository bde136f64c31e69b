import { Alert, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconFileSearch, IconLock, IconUsers, IconUsersGroup } from '@tabler/icons-react';
import { lazy, Suspense } from 'react';
import { useSearchParams } from 'react-router-dom';

import { useSession } from '../session/SessionProvider.tsx';

// Each tab loads on first view: only admins ever open them, so they stay out of the first load.
const UsersPanel = lazy(() =>
  import('./admin/UsersPanel.tsx').then((module) => ({ default: module.UsersPanel })),
);
const TeamsPanel = lazy(() =>
  import('./admin/TeamsPanel.tsx').then((module) => ({ default: module.TeamsPanel })),
);
const AuditLogPanel = lazy(() =>
  import('./admin/AuditLogPanel.tsx').then((module) => ({ default: module.AuditLogPanel })),
);

const tabs = ['users', 'teams', 'audit'] as const;
type AdminTab = (typeof tabs)[number];

function isAdminTab(value: string | null): value is AdminTab {
  return tabs.some((tab) => tab === value);
}

function PanelSkeleton() {
  return (
    <Stack gap="sm" aria-busy aria-label="Loading">
      <Skeleton height={36} width="40%" />
      {[0, 1, 2, 3, 4].map((row) => (
        <Skeleton key={row} height={28} />
      ))}
    </Stack>
  );
}

/**
 * `/admin`: user, team and audit-log administration in three tabs (`?tab=users|teams|audit`,
 * so each tab has a link of its own). Members and viewers see a short note instead: the server
 * refuses every admin call from them anyway.
 */
export function AdminPage() {
  const { user } = useSession();
  const [searchParams, setSearchParams] = useSearchParams();
  const requested = searchParams.get('tab');
  const tab: AdminTab = isAdminTab(requested) ? requested : 'users';

  if (user?.role !== 'admin') {
    return (
      <Stack gap="lg">
        <Title order={2}>Admin</Title>
        <Alert
          color="gray"
          variant="light"
          icon={<IconLock size={18} aria-hidden />}
          title="Admins only"
        >
          Users, teams and the audit log are managed by the portal’s admins. Ask one of them if you
          need a new team, a teammate added or a role changed.
        </Alert>
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>Admin</Title>
        <Text c="dimmed" size="sm">
          Who can sign in, which teams (namespaces) they work in, and everything they changed.
        </Text>
      </div>
      <Tabs
        value={tab}
        onChange={(next) => {
          if (isAdminTab(next)) setSearchParams({ tab: next }, { replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List aria-label="Admin sections" mb="lg">
          <Tabs.Tab value="users" leftSection={<IconUsers size={16} aria-hidden />}>
            Users
          </Tabs.Tab>
          <Tabs.Tab value="teams" leftSection={<IconUsersGroup size={16} aria-hidden />}>
            Teams
          </Tabs.Tab>
          <Tabs.Tab value="audit" leftSection={<IconFileSearch size={16} aria-hidden />}>
            Audit log
          </Tabs.Tab>
        </Tabs.List>
        <Suspense fallback={<PanelSkeleton />}>
          <Tabs.Panel value="users">
            <UsersPanel />
          </Tabs.Panel>
          <Tabs.Panel value="teams">
            <TeamsPanel />
          </Tabs.Panel>
          <Tabs.Panel value="audit">
            <AuditLogPanel />
          </Tabs.Panel>
        </Suspense>
      </Tabs>
    </Stack>
  );
}
