import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { ApiTokenInfo } from '../../shared/api/authSchemas.ts';
import { apiErrorResponse, renderWithFakeApi } from './admin/renderWithFakeApi.tsx';
import { TokensPage } from './TokensPage.tsx';

const secret = 'rdk_S3cretS3cretS3cretS3cretS3cretS3cretS3c';

function tokenServer() {
  const tokens: ApiTokenInfo[] = [];
  return {
    tokens,
    handlers: {
      'GET /api/v1/tokens': () => ({ items: [...tokens] }),
      'POST /api/v1/tokens': (call: { body: unknown }) => {
        const { name } = call.body as { name: string };
        if (!name) {
          return apiErrorResponse(
            400,
            'ValidationFailed',
            'body.name: must NOT have fewer than 1 characters',
            [{ path: 'body.name', message: 'must NOT have fewer than 1 characters' }],
          );
        }
        const info: ApiTokenInfo = {
          id: `t${tokens.length + 1}`,
          name,
          prefix: secret.slice(0, 12),
          createdAt: '2026-11-26T07:00:00Z',
          lastUsedAt: null,
          expiresAt: null,
        };
        tokens.unshift(info);
        return { ...info, token: secret };
      },
      'DELETE /api/v1/tokens/t1': () => {
        tokens.splice(0, tokens.length);
        return undefined;
      },
    },
  };
}

describe('TokensPage', () => {
  it('teaches what tokens are for when there are none, with a shell example', async () => {
    renderWithFakeApi(<TokensPage />, { path: '/tokens', handlers: tokenServer().handlers });
    expect(await screen.findByText('No API tokens yet')).toBeVisible();
    expect(screen.getByText(/Authorization: Bearer \$RAYDECK_TOKEN/)).toBeVisible();
    expect(screen.getByText(/raydeck get clusters/)).toBeVisible();
  });

  it('shows a new token’s secret once, with a copy button, then only its prefix', async () => {
    const server = tokenServer();
    const { user, calls } = renderWithFakeApi(<TokensPage />, {
      path: '/tokens',
      handlers: server.handlers,
    });
    await user.click(await screen.findByRole('button', { name: 'New token' }));
    const form = await screen.findByRole('dialog', { name: 'New API token' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'ci-pipeline');
    await user.selectOptions(within(form).getByRole('combobox', { name: 'Expires in' }), 'Never');
    await user.click(within(form).getByRole('button', { name: 'Create token' }));

    const shown = await screen.findByRole('dialog', { name: 'Token ci-pipeline created' });
    expect(within(shown).getByTestId('new-token-secret')).toHaveTextContent(secret);
    expect(within(shown).getByText('Copy this token now')).toBeVisible();
    expect(within(shown).getByRole('button', { name: 'Copy token' })).toBeVisible();
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({
      name: 'ci-pipeline',
      expiresInDays: null,
    });

    await user.click(within(shown).getByRole('button', { name: 'I have copied it' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const row = (await screen.findByRole('cell', { name: 'ci-pipeline' })).closest('tr');
    expect(row).toHaveTextContent(`${secret.slice(0, 12)}…`);
    expect(document.body).not.toHaveTextContent(secret);

    await user.click(screen.getByRole('button', { name: 'New token' }));
    const again = await screen.findByRole('dialog', { name: 'New API token' });
    expect(within(again).getByRole('textbox', { name: 'Name' })).toHaveValue('');
    expect(document.body).not.toHaveTextContent(secret);
  });

  it('puts the server’s complaint about the name under the name input', async () => {
    const { user } = renderWithFakeApi(<TokensPage />, {
      path: '/tokens',
      handlers: tokenServer().handlers,
    });
    await user.click(await screen.findByRole('button', { name: 'New token' }));
    const form = await screen.findByRole('dialog', { name: 'New API token' });
    await user.click(within(form).getByRole('button', { name: 'Create token' }));
    await waitFor(() =>
      expect(within(form).getByRole('textbox', { name: 'Name' })).toHaveAccessibleDescription(
        /is required/,
      ),
    );
  });

  it('revokes a token only after confirming', async () => {
    const server = tokenServer();
    server.tokens.push({
      id: 't1',
      name: 'laptop',
      prefix: 'rdk_Ab12Cd34',
      createdAt: '2026-11-20T10:00:00Z',
      lastUsedAt: '2026-11-25T10:00:00Z',
      expiresAt: '2099-01-01T00:00:00Z',
    });
    const { user, calls } = renderWithFakeApi(<TokensPage />, {
      path: '/tokens',
      handlers: server.handlers,
    });
    await user.click(await screen.findByRole('button', { name: 'Revoke laptop' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke token' });
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    expect(await screen.findByText('Token laptop revoked')).toBeVisible();
    expect(await screen.findByText('No API tokens yet')).toBeVisible();
  });
});
