import { createContext, useContext } from 'react';

import { type ApiClient, createApiClient } from '../../shared/client/apiClient.ts';

/** The REST client in use; tests provide one with an injected `fetch`. */
export const ApiClientContext = createContext<ApiClient>(createApiClient());

/** The typed Raydeck REST client of the current app. */
export function useApiClient(): ApiClient {
  return useContext(ApiClientContext);
}
