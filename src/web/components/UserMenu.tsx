import { Avatar, Group, Menu, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconInfoCircle, IconKey, IconLogout } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router-dom';

import { notify } from '../pages/admin/notify.ts';
import { useSession } from '../session/SessionProvider.tsx';

/** Up to two initials of a display name, for the avatar: `Ana Lopez` → `AL`. */
function initialsOf(name: string): string {
  const words = name.split(/[\s._@-]+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase() ?? '')
    .join('');
}

/**
 * The header's account menu (button "Account"): who is signed in with which role, the API tokens
 * and About pages, and "Sign out", which ends the session on the server and goes to /login (the
 * session provider drops every query of the old user; the live stream closes with the frame).
 * A failed sign-out keeps the user where they are and says why.
 */
export function UserMenu() {
  const { user, logout } = useSession();
  const navigate = useNavigate();
  if (!user) return null;

  const signOut = async () => {
    try {
      await logout();
      await navigate('/login', { replace: true });
    } catch (error) {
      notify.failure('Could not sign out', error);
    }
  };

  return (
    <Menu position="bottom-end" width={240} shadow="md" hideDetached={false}>
      <Menu.Target>
        <UnstyledButton aria-label="Account" title={`Signed in as ${user.username}`}>
          {/* Avatar only: visible words would have to be part of the accessible name "Account". */}
          <Group gap={4} wrap="nowrap">
            <Avatar size={32} radius="xl" color="indigo" aria-hidden>
              {initialsOf(user.displayName || user.username)}
            </Avatar>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          Signed in as <b>{user.displayName || user.username}</b>
          <br />
          {user.username} · {user.role}
        </Menu.Label>
        <Menu.Item component={Link} to="/tokens" leftSection={<IconKey size={16} aria-hidden />}>
          API tokens
        </Menu.Item>
        <Menu.Item
          component={Link}
          to="/about"
          leftSection={<IconInfoCircle size={16} aria-hidden />}
        >
          About
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          color="red"
          leftSection={<IconLogout size={16} aria-hidden />}
          onClick={() => void signOut()}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
