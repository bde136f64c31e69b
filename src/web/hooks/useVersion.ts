import { useQuery } from '@tanstack/react-query';

import { useApiClient } from './useApiClient.ts';

/** The portal server's version info (`GET /api/v1/version`). */
export function useVersion() {
  const client = useApiClient();
  return useQuery({ queryKey: ['version'], queryFn: () => client.getVersion() });
}
