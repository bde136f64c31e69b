import { createTheme, type CSSVariablesResolver, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';

import type { ApiClient } from '../shared/client/apiClient.ts';
import { SessionProvider } from './session/SessionProvider.tsx';

/**
 * Mantine's default primary shade and "dimmed" grey fall below WCAG AA contrast (4.5:1) on
 * white and on the dark background; darker shades keep every text at AA (checked by axe in e2e).
 */
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
});

const cssVariablesResolver: CSSVariablesResolver = (resolved) => ({
  variables: {},
  light: { '--mantine-color-dimmed': resolved.colors.gray[7] ?? '#495057' },
  dark: { '--mantine-color-dimmed': resolved.colors.dark[1] ?? '#b8b8b8' },
});

/**
 * Theme, data cache, session and API client for the whole app; tests wrap components in it too
 * (passing a client with an injected `fetch`).
 */
export function AppProviders({ children, client }: { children: ReactNode; client?: ApiClient }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 30_000 } } }),
  );
  return (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      defaultColorScheme="auto"
    >
      <QueryClientProvider client={queryClient}>
        <SessionProvider {...(client ? { client } : {})}>{children}</SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
