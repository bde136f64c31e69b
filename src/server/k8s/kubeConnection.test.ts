import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { connectKube } from './kubeConnection.ts';

afterEach(() => vi.unstubAllEnvs());

/** A folder laid out like a pod's service-account mount. */
function serviceAccountMount(): string {
  const dir = mkdtempSync(join(tmpdir(), 'raydeck-sa-'));
  writeFileSync(join(dir, 'token'), 'sa-token-1');
  writeFileSync(join(dir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\n');
  writeFileSync(join(dir, 'namespace'), 'raydeck\n');
  return dir;
}

describe('connectKube in-cluster', () => {
  it("reads the server from the pod's environment and the credentials from the mount", async () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', 'fd00::1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    const dir = serviceAccountMount();
    const connection = connectKube({ kind: 'in-cluster', serviceAccountDir: dir });
    expect(connection.server).toBe('https://[fd00::1]:443');
    expect(connection.kubeConfig.getCurrentCluster()?.caFile).toBe(join(dir, 'ca.crt'));
    expect(connection.kubeConfig.getContextObject('in-cluster')?.namespace).toBe('raydeck');
    const options: { headers: Record<string, string> } = { headers: {} };
    await connection.kubeConfig.applyToFetchOptions(options as never);
    expect(JSON.stringify(options)).toContain('Bearer sa-token-1');
  });

  it('says which variable is missing outside a pod', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
    expect(() =>
      connectKube({ kind: 'in-cluster', serviceAccountDir: serviceAccountMount() }),
    ).toThrow(/KUBERNETES_SERVICE_HOST/);
  });
});

describe('connectKube through the KubeRay APIServer', () => {
  it('sends --apiserver-token as the whole Authorization header, as its security proxy compares it', async () => {
    const connection = connectKube({
      kind: 'apiserver-v2',
      url: 'http://127.0.0.1:31888',
      token: 's3cret',
    });
    const options: { headers?: Record<string, string> } = {};
    await connection.kubeConfig.applyToHTTPSOptions(options);
    expect(options.headers?.['Authorization']).toBe('s3cret');
  });

  it('sends no Authorization header without a token', async () => {
    const connection = connectKube({ kind: 'apiserver-v2', url: 'http://127.0.0.1:31888' });
    const options: { headers?: Record<string, string> } = {};
    await connection.kubeConfig.applyToHTTPSOptions(options);
    expect(options.headers?.['Authorization']).toBeUndefined();
  });
});
