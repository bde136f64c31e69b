import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually } from '../../../test/support/eventually.ts';
import { startTestSandbox, type TestSandbox } from '../../../test/support/startTestSandbox.ts';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
  await sandbox.request('POST', '/api/v1/namespaces', { metadata: { name: 'gc' } });
});
afterAll(() => sandbox.close());

const configMaps = '/api/v1/namespaces/gc/configmaps';
const secrets = '/api/v1/namespaces/gc/secrets';

async function createOwnerWithDependents(prefix: string): Promise<void> {
  const owner = await sandbox.request('POST', configMaps, {
    metadata: { name: `${prefix}-owner` },
  });
  const uid = (owner.body as { metadata: { uid: string } }).metadata.uid;
  for (const index of [1, 2]) {
    const dependent = await sandbox.request('POST', secrets, {
      metadata: {
        name: `${prefix}-dep-${index}`,
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            name: `${prefix}-owner`,
            uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
    });
    expect(dependent.status).toBe(201);
  }
}

async function exists(path: string): Promise<boolean> {
  return (await sandbox.request('GET', path)).status === 200;
}

describe('deletion and garbage collection', () => {
  it('deletes dependents in the background when the owner goes', async () => {
    await createOwnerWithDependents('bg');
    const response = await sandbox.request('DELETE', `${configMaps}/bg-owner`);
    expect(response.status).toBe(200);
    await eventually(
      async () => !(await exists(`${secrets}/bg-dep-1`)) && !(await exists(`${secrets}/bg-dep-2`)),
      'background dependents deleted',
    );
  });

  it('keeps orphaned dependents and strips their owner reference', async () => {
    await createOwnerWithDependents('orphan');
    await sandbox.request('DELETE', `${configMaps}/orphan-owner?propagationPolicy=Orphan`);
    await eventually(
      async () => !(await exists(`${configMaps}/orphan-owner`)),
      'orphaned owner gone',
    );
    const dependent = (await sandbox.request('GET', `${secrets}/orphan-dep-1`)).body as {
      metadata: { ownerReferences?: unknown[] };
    };
    expect(dependent.metadata.ownerReferences).toBeUndefined();
  });

  it('holds a foreground-deleted owner until its dependents are gone', async () => {
    await createOwnerWithDependents('fg');
    const response = await sandbox.request('DELETE', `${configMaps}/fg-owner`, {
      propagationPolicy: 'Foreground',
    });
    const marked = response.body as {
      metadata: { deletionTimestamp?: string; finalizers?: string[] };
    };
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.finalizers).toContain('foregroundDeletion');
    await eventually(
      async () => !(await exists(`${configMaps}/fg-owner`)),
      'foreground owner gone',
    );
    expect(await exists(`${secrets}/fg-dep-1`)).toBe(false);
  });

  it('keeps an object with finalizers until they are removed', async () => {
    await sandbox.request('POST', configMaps, {
      metadata: { name: 'held', finalizers: ['example.com/hold'] },
    });
    const deleted = await sandbox.request('DELETE', `${configMaps}/held`);
    expect(
      (deleted.body as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp,
    ).toBeDefined();
    expect(await exists(`${configMaps}/held`)).toBe(true);
    const released = await sandbox.request(
      'PATCH',
      `${configMaps}/held`,
      { metadata: { finalizers: null } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(released.status).toBe(200);
    expect(await exists(`${configMaps}/held`)).toBe(false);
  });

  it('honours uid preconditions', async () => {
    await sandbox.request('POST', configMaps, { metadata: { name: 'pre' } });
    const response = await sandbox.request('DELETE', `${configMaps}/pre`, {
      preconditions: { uid: 'not-the-uid' },
    });
    expect(response.status).toBe(409);
    expect(await exists(`${configMaps}/pre`)).toBe(true);
  });

  it('empties a deleted namespace, then removes it, refusing new content meanwhile', async () => {
    await sandbox.request('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await sandbox.request('POST', '/api/v1/namespaces/doomed/configmaps', {
      metadata: { name: 'c', finalizers: ['example.com/slow'] },
    });
    const deleted = await sandbox.request('DELETE', '/api/v1/namespaces/doomed');
    expect(deleted.status).toBe(200);
    await eventually(async () => {
      const namespace = (await sandbox.request('GET', '/api/v1/namespaces/doomed')).body as {
        status?: { phase?: string };
      };
      return namespace.status?.phase === 'Terminating';
    }, 'namespace terminating');
    const refused = await sandbox.request('POST', '/api/v1/namespaces/doomed/configmaps', {
      metadata: { name: 'late' },
    });
    expect(refused.status).toBe(403);
    expect((refused.body as { message: string }).message).toContain(
      'because it is being terminated',
    );
    await sandbox.request(
      'PATCH',
      '/api/v1/namespaces/doomed/configmaps/c',
      { metadata: { finalizers: null } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    await eventually(async () => !(await exists('/api/v1/namespaces/doomed')), 'namespace removed');
  });
});
