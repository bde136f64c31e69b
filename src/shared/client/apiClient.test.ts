import { describe, expect, it } from 'vitest';

import { createApiClient } from './apiClient.ts';
import { ApiError } from './ApiError.ts';

describe('createApiClient', () => {
  it('calls the versioned API path under the base URL', async () => {
    const requested: string[] = [];
    const client = createApiClient({
      baseUrl: 'http://portal.test',
      fetch: async (url) => {
        requested.push(String(url));
        return Response.json({ version: '0.1.0', node: 'v20.20.2', apiVersion: 'v1' });
      },
    });
    expect(await client.getVersion()).toEqual({
      version: '0.1.0',
      node: 'v20.20.2',
      apiVersion: 'v1',
    });
    expect(requested).toEqual(['http://portal.test/api/v1/version']);
  });

  it('turns an error body into an ApiError with its reason, fields and request id', async () => {
    const client = createApiClient({
      fetch: async () =>
        Response.json(
          {
            error: {
              status: 400,
              reason: 'ValidationFailed',
              message: 'body.name: is required',
              requestId: 'req-7',
              fields: [{ path: 'body.name', message: 'is required' }],
            },
          },
          { status: 400 },
        ),
    });
    const error = await client.getVersion().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      reason: 'ValidationFailed',
      message: 'body.name: is required',
      requestId: 'req-7',
      fields: [{ path: 'body.name', message: 'is required' }],
    });
  });

  it('still gives a useful ApiError when the body is not JSON', async () => {
    const client = createApiClient({
      fetch: async () =>
        new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    });
    await expect(client.getVersion()).rejects.toMatchObject({
      status: 502,
      reason: 'Unknown',
      message: '502 Bad Gateway',
    });
  });
});
