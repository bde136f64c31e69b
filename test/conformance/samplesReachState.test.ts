import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import {
  createSandboxApiServer,
  type SandboxApiServer,
} from '../../src/sandbox/apiserver/createSandboxApiServer.ts';
import { podGracefulDeletion } from '../../src/sandbox/controllers/core/kubelet.ts';
import { ManualClock } from '../../src/sandbox/world/simClock.ts';
import { startWorld } from '../../src/sandbox/world/startWorld.ts';
import { defaultWorldYaml, parseWorldConfig } from '../../src/sandbox/world/worldConfig.ts';
import { describeWithUpstream, upstreamKuberayDir } from '../support/upstream.ts';

type Json = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
};

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

const samplesDir = join(upstreamKuberayDir, 'samples');

// The default world's node pools and timings, with the CPU pool grown from 2 to 24 nodes so that
// every sample can run side by side; the GPU nodes (two RTX 4090s, four A100s behind the
// nvidia.com/gpu taint) are the default world's.
const conformanceWorld = parseWorldConfig(defaultWorldYaml.replace(/count: 2\n/, 'count: 24\n'));

let apiServer: SandboxApiServer;
let url = '';
let clock: ManualClock;
let stopWorld: () => void;
/** Served kinds by `apiVersion/kind`: URL path (collection) and scope. */
const kinds = new Map<string, { path: string; namespaced: boolean }>();
/** Per sample file: its namespace and what happened to each of its documents. */
const applied = new Map<string, { namespace: string; objects: Json[]; skipped: string[] }>();

async function http(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed };
}

async function discover(): Promise<void> {
  const core = await http('GET', '/api/v1');
  for (const resource of (core.body['resources'] as {
    name: string;
    kind: string;
    namespaced: boolean;
  }[]) ?? []) {
    if (resource.name.includes('/')) continue;
    kinds.set(`v1/${resource.kind}`, {
      path: `/api/v1/${resource.name}`,
      namespaced: resource.namespaced,
    });
  }
  const groups = await http('GET', '/apis');
  for (const group of (groups.body['groups'] as { preferredVersion: { groupVersion: string } }[]) ??
    []) {
    const groupVersion = group.preferredVersion.groupVersion;
    const list = await http('GET', `/apis/${groupVersion}`);
    for (const resource of (list.body['resources'] as {
      name: string;
      kind: string;
      namespaced: boolean;
    }[]) ?? []) {
      if (resource.name.includes('/')) continue;
      kinds.set(`${groupVersion}/${resource.kind}`, {
        path: `/apis/${groupVersion}/${resource.name}`,
        namespaced: resource.namespaced,
      });
    }
  }
}

function collectionPath(kind: { path: string; namespaced: boolean }, namespace: string): string {
  if (!kind.namespaced) return kind.path;
  const [prefix, plural] = [
    kind.path.slice(0, kind.path.lastIndexOf('/')),
    kind.path.slice(kind.path.lastIndexOf('/') + 1),
  ];
  return `${prefix}/namespaces/${namespace}/${plural}`;
}

/** Lets controllers react (next-tick work) until the store stops changing. */
async function settle(): Promise<void> {
  let quiet = 0;
  let version = apiServer.store.resourceVersion;
  for (let round = 0; round < 10_000 && quiet < 3; round++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (apiServer.store.resourceVersion === version) quiet++;
    else {
      quiet = 0;
      version = apiServer.store.resourceVersion;
    }
  }
}

async function advance(ms: number): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 1000) {
    clock.advance(1000);
    await settle();
  }
}

function namespaceOf(file: string): string {
  return `s-${file
    .replace(/\.yaml$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')}`
    .slice(0, 63)
    .replace(/-+$/, '');
}

async function applySample(file: string): Promise<void> {
  const namespace = namespaceOf(file);
  await http('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  const documents = parseAllDocuments(readFileSync(join(samplesDir, file), 'utf8'))
    .map((document) => document.toJSON() as Json | null)
    .filter((document): document is Json => document !== null && typeof document === 'object');
  const record = { namespace, objects: [] as Json[], skipped: [] as string[] };
  for (const document of documents) {
    const kind = kinds.get(`${document.apiVersion}/${document.kind}`);
    if (!kind) {
      record.skipped.push(`${document.apiVersion} ${document.kind} is not served by the sandbox`);
      continue;
    }
    const target = document.metadata?.namespace ?? namespace;
    const result = await http('POST', collectionPath(kind, target), document);
    if (result.status >= 300) {
      record.skipped.push(
        `${document.kind} ${document.metadata?.name ?? ''}: ${result.status} ${String(result.body['message'] ?? '')}`,
      );
      continue;
    }
    record.objects.push(result.body);
  }
  applied.set(file, record);
}

async function get(object: Json): Promise<Json> {
  const kind = kinds.get(`${object.apiVersion}/${object.kind}`);
  if (!kind) return {};
  const result = await http(
    'GET',
    `${collectionPath(kind, object.metadata?.namespace ?? '')}/${object.metadata?.name ?? ''}`,
  );
  return result.status === 200 ? result.body : {};
}

async function listIn(apiVersionKind: string, namespace: string): Promise<Json[]> {
  const kind = kinds.get(apiVersionKind);
  if (!kind) return [];
  const result = await http('GET', collectionPath(kind, namespace));
  return (result.body['items'] as Json[] | undefined) ?? [];
}

function conditions(object: Json): Condition[] {
  return ((object['status'] as { conditions?: Condition[] } | undefined)?.conditions ??
    []) as Condition[];
}

function conditionTrue(object: Json, type: string): boolean {
  return conditions(object).some(
    (condition) => condition.type === type && condition.status === 'True',
  );
}

/** What the test saw over time, by `kind/namespace/name`: states an object reached at least once. */
const seen = new Map<string, Set<string>>();

function remember(key: string, state: string): void {
  let states = seen.get(key);
  if (!states) {
    states = new Set();
    seen.set(key, states);
  }
  states.add(state);
}

/** Polls every KubeRay object over HTTP and remembers the states that count as success. */
async function observe(): Promise<void> {
  for (const [apiVersionKind, kind] of [
    ['ray.io/v1/RayCluster', 'RayCluster'],
    ['ray.io/v1/RayJob', 'RayJob'],
    ['ray.io/v1/RayService', 'RayService'],
  ] as const) {
    const path = kinds.get(apiVersionKind)?.path;
    if (!path) continue;
    const items = ((await http('GET', path)).body['items'] as Json[] | undefined) ?? [];
    for (const item of items) {
      const key = `${kind}/${item.metadata?.namespace}/${item.metadata?.name}`;
      const status = (item['status'] ?? {}) as Record<string, unknown>;
      if (
        kind === 'RayCluster' &&
        conditionTrue(item, 'HeadPodReady') &&
        conditionTrue(item, 'RayClusterProvisioned')
      ) {
        remember(key, 'ready');
      }
      if (kind === 'RayJob')
        remember(
          key,
          `${String(status['jobDeploymentStatus'] ?? '')}/${String(status['jobStatus'] ?? '')}`,
        );
      if (kind === 'RayService' && conditionTrue(item, 'Ready')) remember(key, 'serving');
    }
  }
}

/** Pods of a namespace whose scheduling failed, with the scheduler's message. */
async function unschedulable(namespace: string): Promise<string[]> {
  return (await listIn('v1/Pod', namespace)).flatMap((pod) => {
    const scheduled = (
      (pod['status'] as { conditions?: Condition[] } | undefined)?.conditions ?? []
    ).find((condition) => condition.type === 'PodScheduled');
    return scheduled?.status === 'False' && scheduled.reason === 'Unschedulable'
      ? [scheduled.message ?? '']
      : [];
  });
}

async function warnings(namespace: string): Promise<string[]> {
  return (await listIn('events.k8s.io/v1/Event', namespace))
    .filter((event) => event['type'] === 'Warning')
    .map((event) => `${String(event['reason'])}: ${String(event['note'])}`);
}

function rayObjects(file: string): Json[] {
  return (applied.get(file)?.objects ?? []).filter((object) =>
    ['RayCluster', 'RayJob', 'RayService', 'RayCronJob'].includes(object.kind ?? ''),
  );
}

function keyOf(object: Json): string {
  return `${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}`;
}

/** Whether every KubeRay object of a sample reached its goal: ready, Complete/SUCCEEDED, serving. */
function succeeded(object: Json): boolean {
  const states = seen.get(keyOf(object)) ?? new Set<string>();
  if (object.kind === 'RayCluster') return states.has('ready');
  if (object.kind === 'RayJob') return states.has('Complete/SUCCEEDED');
  if (object.kind === 'RayService') return states.has('serving');
  return false;
}

/** The schedulers' words for pods no node fits. */
const noMatchingNode =
  /^0\/26 nodes are available: .*node\(s\) didn't match Pod's node affinity\/selector/;
const notEnoughGpus = /^0\/26 nodes are available: .*Insufficient nvidia\.com\/gpu/;

/** Why a sample does not reach its goal in the sandbox, and how the test recognises it. */
interface Expected {
  why: string;
  check: (file: string) => Promise<void>;
}

const unschedulableBecause =
  (message: RegExp) =>
  async (file: string): Promise<void> => {
    const namespace = applied.get(file)?.namespace ?? '';
    expect((await unschedulable(namespace)).some((text) => message.test(text))).toBe(true);
    expect(
      (await warnings(namespace)).some(
        (text) => text.startsWith('FailedScheduling: ') && message.test(text.slice(18)),
      ),
    ).toBe(true);
  };

const invalidBecause =
  (note: string) =>
  async (file: string): Promise<void> => {
    const namespace = applied.get(file)?.namespace ?? '';
    expect(await warnings(namespace)).toContainEqual(
      expect.stringContaining(
        `InvalidRayClusterSpec: The RayCluster spec is invalid ${namespace}/`,
      ),
    );
    expect((await warnings(namespace)).some((text) => text.endsWith(note))).toBe(true);
    for (const object of rayObjects(file)) expect(await get(object)).not.toHaveProperty('status');
  };

const gatedCronJob = async (file: string): Promise<void> => {
  const namespace = applied.get(file)?.namespace ?? '';
  for (const object of rayObjects(file)) expect(await get(object)).not.toHaveProperty('status');
  expect(await listIn('ray.io/v1/RayJob', namespace)).toEqual([]);
};

/** Samples that do not simply succeed on the sandbox, with the reason (kuberay-api.md §7). */
const expectations: Readonly<Record<string, Expected>> = {
  'agent-sandbox__sandbox.yaml': {
    why: 'holds only agent-sandbox kinds (SandboxTemplate, SandboxWarmPool), whose CRDs the sandbox does not serve',
    check: async (file) => expect(applied.get(file)?.skipped).toHaveLength(2),
  },
  'gateway-api__istio-class.yaml': {
    why: 'holds only a Gateway API GatewayClass, not served by the sandbox',
    check: async (file) => expect(applied.get(file)?.skipped).toHaveLength(1),
  },
  'ray-cluster-agc-gatewayapi.yaml': {
    why: 'holds only a Gateway and an HTTPRoute (Gateway API), not served by the sandbox',
    check: async (file) => expect(applied.get(file)?.skipped).toHaveLength(2),
  },
  'ingress-rayclient-tls.yaml': {
    why: 'holds only an Ingress for a cluster created elsewhere; it is stored',
    check: async (file) =>
      expect(applied.get(file)?.objects.map((object) => object.kind)).toEqual(['Ingress']),
  },
  'ray-cluster-alb-ingress.yaml': {
    why: 'holds only an Ingress for a cluster created elsewhere; it is stored',
    check: async (file) =>
      expect(applied.get(file)?.objects.map((object) => object.kind)).toEqual(['Ingress']),
  },
  'ray-cluster-label-selector.yaml': {
    why: "its worker group selects GKE machine-family nodes the default world's nodes lack",
    check: unschedulableBecause(noMatchingNode),
  },
  'ray-cluster-resource-isolation.gke.yaml': {
    why: 'its pods select GKE nodes with writable cgroups',
    check: unschedulableBecause(noMatchingNode),
  },
  'ray-cluster-resource-isolation-with-overrides.gke.yaml': {
    why: 'its pods select GKE nodes with writable cgroups',
    check: unschedulableBecause(noMatchingNode),
  },
  'ray-cluster.gke-bucket.yaml': {
    why: 'its head selects GKE nodes with the metadata server',
    check: unschedulableBecause(noMatchingNode),
  },
  'ray-cluster.tpu-v4-singlehost.yaml': {
    why: 'its TPU workers select GKE TPU nodes; the default world has no TPUs',
    check: unschedulableBecause(noMatchingNode),
  },
  'ray-cluster.tpu-v4-multihost.yaml': {
    why: 'its TPU workers select GKE TPU nodes; the default world has no TPUs',
    check: unschedulableBecause(noMatchingNode),
  },
  'ray-cluster.tpu-v6e-256-multihost.yaml': {
    why: 'its TPU workers select GKE TPU nodes; the default world has no TPUs',
    check: unschedulableBecause(noMatchingNode),
  },
  'ray-job.tpu-jax.yaml': {
    why: 'its TPU workers select GKE TPU nodes, so the RayJob waits in Initializing',
    check: async (file) => {
      await unschedulableBecause(noMatchingNode)(file);
      for (const object of rayObjects(file))
        expect(seen.get(keyOf(object))).toEqual(new Set(['Initializing/']));
    },
  },
  'ray-job.tpu-v6e-16-multihost.yaml': {
    why: 'its TPU workers select GKE TPU nodes, so the RayJob waits in Initializing',
    check: async (file) => {
      await unschedulableBecause(noMatchingNode)(file);
      for (const object of rayObjects(file))
        expect(seen.get(keyOf(object))).toEqual(new Set(['Initializing/']));
    },
  },
  'ray-job.batch-inference.yaml': {
    why: 'its head selects GKE T4 nodes, so the RayJob waits in Initializing',
    check: async (file) => {
      await unschedulableBecause(noMatchingNode)(file);
      for (const object of rayObjects(file))
        expect(seen.get(keyOf(object))).toEqual(new Set(['Initializing/']));
    },
  },
  'ray-cluster.verl.yaml': {
    why: 'its head wants 4 GPUs and 36 CPUs without tolerating the A100 taint; the RTX node has 2 GPUs',
    check: unschedulableBecause(notEnoughGpus),
  },
  'ray-service.high-throughput-gemma4.yaml': {
    why: 'its GPU workers select GKE B200 nodes and its Secret hf-secret is not part of the sample',
    check: async (file) => {
      await unschedulableBecause(noMatchingNode)(file);
      for (const object of rayObjects(file)) expect(seen.get(keyOf(object))).toBeUndefined();
    },
  },
  'ray-service.deepseek.yaml': {
    why: 'its 8-GPU workers fit no node (GPU nodes have 2 and 4); the simulated Ray Serve runs the LLM app on the head, so the service still becomes Ready',
    check: async (file) => {
      await unschedulableBecause(notEnoughGpus)(file);
      for (const object of rayObjects(file)) expect(succeeded(object)).toBe(true);
    },
  },
  'ray-service.tpu-single-host.yaml': {
    why: 'its TPU workers select GKE TPU nodes; the simulated Ray Serve runs the app on the head, so the service still becomes Ready',
    check: async (file) => {
      await unschedulableBecause(noMatchingNode)(file);
      for (const object of rayObjects(file)) expect(succeeded(object)).toBe(true);
    },
  },
  'ray-cluster.auth-manual.yaml': {
    why: 'the Secret ray-cluster-with-auth is to be created by hand (the sample says how), so the head waits with CreateContainerConfigError',
    check: async (file) => {
      for (const object of rayObjects(file)) {
        const condition = conditions(await get(object)).find(
          (candidate) => candidate.type === 'HeadPodReady',
        );
        expect(condition).toMatchObject({ status: 'False', reason: 'CreateContainerConfigError' });
        expect(condition?.message).toContain('secret "ray-cluster-with-auth" not found');
      }
    },
  },
  'ray-cluster.embedded-gcs-ft.yaml': {
    why: 'the rocksdb GCS backend needs the GCSFaultToleranceEmbeddedStorage feature gate (off by default)',
    check: invalidBecause(
      'requires the GCSFaultToleranceEmbeddedStorage feature gate to be enabled',
    ),
  },
  'ray-cluster.historyserver.yaml': {
    why: 'historyServerOptions need the RayClusterHistoryServer feature gate (off by default)',
    check: invalidBecause('RayClusterHistoryServer feature gate is not enabled'),
  },
  'ray-cluster.mtls.yaml': {
    why: 'tlsOptions need the RayClusterMTLS feature gate (off by default)',
    check: invalidBecause('spec.tlsOptions requires the RayClusterMTLS feature gate to be enabled'),
  },
  'ray-cluster.network-policy-deny-all.yaml': {
    why: 'networkPolicy needs the RayClusterNetworkPolicy feature gate (off by default)',
    check: invalidBecause(
      'spec.networkPolicy requires the RayClusterNetworkPolicy feature gate to be enabled',
    ),
  },
  'ray-cronjob.sample.yaml': {
    why: 'RayCronJob is behind its feature gate (off by default)',
    check: gatedCronJob,
  },
  'ray-cronjob-timezone.sample.yaml': {
    why: 'RayCronJob is behind its feature gate (off by default)',
    check: gatedCronJob,
  },
  'ray-job.interactive-mode.yaml': {
    why: 'InteractiveMode waits for the user to set spec.jobId',
    check: async (file) => {
      for (const object of rayObjects(file)) {
        expect(seen.get(keyOf(object))).toContain('Waiting/');
        expect((await get(object))['status']).toMatchObject({ jobDeploymentStatus: 'Waiting' });
      }
    },
  },
  'ray-job.use-existing-raycluster.yaml': {
    why: 'its clusterSelector names RayCluster ray-cluster-kuberay, which no sample creates',
    check: async (file) => {
      const namespace = applied.get(file)?.namespace ?? '';
      expect(await warnings(namespace)).toContain(
        `RayClusterNotFound: RayCluster ${namespace}/ray-cluster-kuberay set in the clusterSelector is not found. It must be created manually`,
      );
      for (const object of rayObjects(file))
        expect(seen.get(keyOf(object))).toEqual(new Set(['Initializing/']));
    },
  },
};

/** Extra checks of samples that succeed and then do more. */
const afterwards: Readonly<Record<string, (file: string) => Promise<void>>> = {
  'ray-job.deletion-rules.yaml': async (file) => {
    for (const object of rayObjects(file)) expect(await get(object)).toEqual({});
  },
  'ray-job.shutdown.yaml': async (file) => {
    expect(await listIn('ray.io/v1/RayCluster', applied.get(file)?.namespace ?? '')).toEqual([]);
  },
};

const sampleFiles = existsSync(samplesDir)
  ? readdirSync(samplesDir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
  : [];

describeWithUpstream('KubeRay samples in the simulated world (default feature gates)', () => {
  beforeAll(async () => {
    clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    apiServer = createSandboxApiServer({
      now: () => new Date(clock.now()),
      gracefulDeletion: podGracefulDeletion,
    });
    url = await apiServer.listen('127.0.0.1', 0);
    stopWorld = startWorld({ apiServer, world: conformanceWorld, clock }).stop;
    await discover();
    for (const file of sampleFiles) await applySample(file);
    await settle();
    for (let elapsed = 0; elapsed < 240_000; elapsed += 5000) {
      await advance(5000);
      await observe();
    }
  }, 120_000);

  afterAll(async () => {
    stopWorld?.();
    await apiServer?.close();
  });

  it('finds the samples and applies every document of a served kind', () => {
    expect(sampleFiles.length).toBeGreaterThan(50);
    for (const [file, record] of applied) {
      for (const problem of record.skipped) {
        // Only kinds the sandbox does not serve, and cluster-scoped RBAC two samples share.
        expect(`${file}: ${problem}`).toMatch(
          /is not served by the sandbox$|: 409 clusterrole(binding)?s\.rbac\.authorization\.k8s\.io "ray-/,
        );
      }
    }
  });

  it.each(sampleFiles)('%s reaches its state', async (file) => {
    const expected = expectations[file];
    if (expected) {
      await expected.check(file);
      return;
    }
    const objects = rayObjects(file);
    expect(objects.length, `${file} has no KubeRay object`).toBeGreaterThan(0);
    for (const object of objects) {
      expect(
        succeeded(object),
        `${keyOf(object)} saw ${[...(seen.get(keyOf(object)) ?? [])].join(', ')}`,
      ).toBe(true);
    }
    await afterwards[file]?.(file);
  });
});
