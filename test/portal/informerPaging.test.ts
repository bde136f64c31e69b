import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SandboxApiServer } from '../../src/sandbox/apiserver/createSandboxApiServer.ts';
import { KubeCache } from '../../src/server/k8s/KubeCache.ts';
import {
  type CachedKind,
  cachedKinds,
  collectionPath,
  kindSpec,
  templateLabelSelector,
} from '../../src/server/k8s/kubeKinds.ts';
import {
  continueTokenOf,
  listPageSize,
  ResourceInformer,
} from '../../src/server/k8s/ResourceInformer.ts';
import { startTestSandbox, type TestSandbox } from '../support/startTestSandbox.ts';

/**
 * Objects of each cached kind: two full pages of 500 and one more, so a list that stops after the
 * first page (the `_continue` bug) or after the second is caught.
 */
const perKind = 2 * listPageSize + 1;

const head = {
  rayStartParams: {},
  template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] } },
};

/** A valid object of `kind` named `name` in `team-a` (namespace ignored for nodes). */
function objectOf(kind: CachedKind, name: string): Record<string, unknown> {
  const metadata = { name };
  switch (kind) {
    case 'RayCluster':
      return { metadata, spec: { headGroupSpec: head } };
    case 'RayJob':
      return {
        metadata,
        spec: { entrypoint: 'python -V', rayClusterSpec: { headGroupSpec: head } },
      };
    case 'RayService':
      return { metadata, spec: { rayClusterConfig: { headGroupSpec: head } } };
    case 'Pod':
      return { metadata, spec: { containers: [{ name: 'main', image: 'busybox:1.37' }] } };
    case 'Node':
      return { metadata, status: { allocatable: { cpu: '8', 'nvidia.com/gpu': '1' } } };
    case 'Event':
      return {
        metadata,
        involvedObject: { kind: 'Pod', namespace: 'team-a', name: 'p-0' },
        reason: 'Scheduled',
        message: 'paging',
        type: 'Normal',
      };
    case 'ConfigMap':
      return {
        metadata: { name, labels: { 'ray.io/config-type': 'compute-template' } },
        data: { name },
      };
    case 'ResourceQuota':
      return { metadata, spec: { hard: { 'requests.nvidia.com/gpu': '2' } } };
  }
}

function kubeConfigOf(sandbox: TestSandbox): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(sandbox.kubeconfig);
  return config;
}

let sandbox: TestSandbox;
/** Objects of each kind present before the test adds its own (the seeded namespaces' defaults). */
const before = new Map<CachedKind, number>();
/** List requests per collection path that asked for a page (`limit`), and those that continued. */
const pageRequests = new Map<string, { pages: number; continued: number }>();

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const { api, registry } = sandbox.apiServer as SandboxApiServer;
  const typeOf = (kind: CachedKind) => {
    const spec = kindSpec(kind);
    const type = registry.lookup(spec.group, spec.version, spec.plural);
    if (!type) throw new Error(`the sandbox does not serve ${spec.plural}`);
    return type;
  };
  const namespaces = registry.lookup('', 'v1', 'namespaces');
  if (!namespaces) throw new Error('namespaces missing');
  api.create(namespaces, undefined, { metadata: { name: 'team-a' } });
  for (const kind of cachedKinds) {
    const type = typeOf(kind);
    const [label, value] = templateLabelSelector.split('=');
    const existing = api
      .list(type)
      .items.filter(
        (item) => kind !== 'ConfigMap' || item.metadata?.labels?.[label ?? ''] === value,
      ).length;
    before.set(kind, existing);
    for (let index = 0; index < perKind; index++) {
      api.create(
        type,
        kindSpec(kind).namespaced ? 'team-a' : undefined,
        objectOf(kind, `p-${index}`),
      );
    }
  }
  sandbox.apiServer.server.on('request', (request: { url?: string }) => {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    if (url.searchParams.get('watch') === 'true' || !url.searchParams.has('limit')) return;
    const counts = pageRequests.get(url.pathname) ?? { pages: 0, continued: 0 };
    counts.pages++;
    if (url.searchParams.has('continue')) counts.continued++;
    pageRequests.set(url.pathname, counts);
  });
}, 120_000);
afterAll(() => sandbox.close());

describe('informers page through long lists', () => {
  it('the sandbox pages at the requested limit and says how many remain', async () => {
    const first = await sandbox.request('GET', `/api/v1/nodes?limit=${listPageSize}`);
    const body = first.body as {
      items: unknown[];
      metadata: { continue?: string; remainingItemCount?: number };
    };
    expect(body.items).toHaveLength(listPageSize);
    expect(body.metadata.continue).toBeTruthy();
    expect(body.metadata.remainingItemCount).toBe(
      (before.get('Node') ?? 0) + perKind - listPageSize,
    );
  });

  it(`KubeCache holds every object of every cached kind (${perKind} each, pages of ${listPageSize})`, async () => {
    pageRequests.clear();
    const cache = new KubeCache({ kubeConfig: kubeConfigOf(sandbox) });
    try {
      cache.start();
      await cache.whenSynced();
      const counts = cache.counts();
      for (const kind of cachedKinds) {
        expect({ kind, objects: counts[kind] }).toEqual({
          kind,
          objects: (before.get(kind) ?? 0) + perKind,
        });
        const namespace = kindSpec(kind).namespaced ? 'team-a' : undefined;
        expect(cache.get(kind, namespace, `p-${perKind - 1}`)).toBeDefined();
        // Three pages: 500, 500 and the last one, asked for with the previous page's token.
        expect(pageRequests.get(collectionPath(kind))).toEqual({ pages: 3, continued: 2 });
      }
      // Lists hold the API's JSON as the watch delivers it: timestamps are strings.
      expect(typeof cache.get('Node', undefined, 'p-0')?.metadata.creationTimestamp).toBe('string');
    } finally {
      await cache.stop();
    }
  }, 120_000);

  it('an informer over a typed client-node call follows its `_continue` token', async () => {
    const kubeConfig = kubeConfigOf(sandbox);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const tokens: (string | undefined)[] = [];
    const informer = new ResourceInformer<V1Node>({
      name: 'typed-nodes',
      kubeConfig,
      watchPath: collectionPath('Node'),
      list: async (page) => {
        const answer = await core.listNode(page);
        // client-node 1.4 renames the wire's `continue` to `_continue`.
        expect(answer.metadata).not.toHaveProperty('continue');
        tokens.push(continueTokenOf(answer));
        return answer;
      },
    });
    try {
      informer.start();
      await informer.waitForSync(60_000);
      expect(informer.size).toBe((before.get('Node') ?? 0) + perKind);
      expect(tokens.filter(Boolean)).toHaveLength(2);
    } finally {
      await informer.stop();
    }
  });
});
