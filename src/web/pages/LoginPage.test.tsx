import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { apiErrorResponse, renderWithFakeApi, testUser } from './admin/renderWithFakeApi.tsx';
import { LoginPage } from './LoginPage.tsx';

function renderLogin(path: string, password: string) {
  return renderWithFakeApi(<LoginPage />, {
    path,
    pattern: '/login',
    signedIn: false,
    user: null,
    handlers: {
      'POST /api/v1/auth/login': (call) =>
        (call.body as { password: string }).password === password
          ? { user: testUser({ username: 'ana', role: 'member' }), csrfToken: 'csrf-1' }
          : apiErrorResponse(401, 'Unauthorized', 'Invalid username or password.'),
    },
  });
}

describe('LoginPage', () => {
  it('signs in and goes to the page named by next', async () => {
    const { user, calls } = renderLogin('/login?next=%2Fgpus', 'right-password');
    await user.type(await screen.findByLabelText('Username'), 'ana');
    await user.type(screen.getByLabelText('Password'), 'right-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByTestId('location')).toHaveTextContent('/gpus');
    expect(calls.find((call) => call.path === '/api/v1/auth/login')?.body).toEqual({
      username: 'ana',
      password: 'right-password',
    });
  });

  it('labels exactly one control Username and one Password, even by substring', async () => {
    renderLogin('/login', 'right-password');
    expect(await screen.findAllByLabelText(/username/i)).toHaveLength(1);
    expect(screen.getAllByLabelText(/password/i)).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Show typed characters' })).toBeInTheDocument();
  });

  it('goes to the clusters list without next, and never to another site', async () => {
    const { user } = renderLogin('/login?next=%2F%2Fevil.example', 'right-password');
    await user.type(await screen.findByLabelText('Username'), 'ana');
    await user.type(screen.getByLabelText('Password'), 'right-password{Enter}');
    expect(await screen.findByTestId('location')).toHaveTextContent(/^\/clusters$/);
  });

  it('shows the server’s message for a wrong password and stays on the page', async () => {
    const { user } = renderLogin('/login', 'right-password');
    await user.type(await screen.findByLabelText('Username'), 'ana');
    await user.type(screen.getByLabelText('Password'), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid username or password.');
    expect(screen.queryByTestId('location')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('offers single sign-on with the return path, and hides the form when local sign-in is off', async () => {
    renderWithFakeApi(<LoginPage />, {
      path: '/login?next=%2Fgpus&ssoError=NoMappedGroup',
      pattern: '/login',
      signedIn: false,
      user: null,
      handlers: {
        'GET /api/v1/auth/methods': () => ({
          local: false,
          oidcLoginPath: '/api/v1/auth/oidc/login',
        }),
      },
    });
    const sso = await screen.findByRole('link', { name: 'Sign in with SSO' });
    expect(sso).toHaveAttribute('href', '/api/v1/auth/oidc/login?returnTo=%2Fgpus');
    expect(screen.getByRole('alert')).toHaveTextContent('in none of the groups');
    expect(screen.queryByLabelText('Username')).not.toBeInTheDocument();
  });
});
