import { createTheme, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';

import type { ApiClient } from '../shared/client/apiClient.ts';
import { SessionProvider } from './session/SessionProvider.tsx';

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'md' });

/**
 * Theme, data cache, session and API client for the whole app; tests wrap components in it too
 * (passing a client with an injected `fetch`).
 */
export function AppProviders({ children, client }: { children: ReactNode; client?: ApiClient }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 30_000 } } }),
  );
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={queryClient}>
        <SessionProvider {...(client ? { client } : {})}>{children}</SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
