import { createTheme, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';

import { createApiClient } from '../shared/client/apiClient.ts';
import { ApiClientContext } from './hooks/useApiClient.ts';

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'md' });

/** Theme, data cache and API client for the whole app; tests wrap components in it too. */
export function AppProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 30_000 } } }),
  );
  const [apiClient] = useState(() => createApiClient());
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={queryClient}>
        <ApiClientContext.Provider value={apiClient}>{children}</ApiClientContext.Provider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
