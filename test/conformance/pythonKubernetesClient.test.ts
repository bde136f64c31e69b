import { spawn, spawnSync } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bootstrapWorld } from '../../src/sandbox/world/bootstrapWorld.ts';
import { defaultWorldYaml, parseWorldConfig } from '../../src/sandbox/world/worldConfig.ts';
import { startTestSandbox, type TestSandbox } from '../support/startTestSandbox.ts';

/** python3-kubernetes (the official Python client) is optional on development machines. */
const pythonClient = spawnSync('python3', ['-c', 'import kubernetes'], { stdio: 'ignore' });
const available = pythonClient.status === 0;
const title = available
  ? 'python3-kubernetes against the sandbox'
  : 'python3-kubernetes against the sandbox (skipped: `python3 -c "import kubernetes"` failed; install python3-kubernetes to run it)';

/**
 * Lists nodes (the client deserialises every NodeSystemInfo field it requires) and watches
 * RayClusters (the client sends `watch=True`), printing one JSON line.
 */
const script = String.raw`
import json, sys
from kubernetes import client, config, watch
config.load_kube_config(sys.argv[1])
nodes = client.CoreV1Api().list_node()
infos = [(n.metadata.name, n.status.node_info.boot_id, n.status.node_info.machine_id) for n in nodes.items]
events = []
w = watch.Watch()
for event in w.stream(client.CustomObjectsApi().list_namespaced_custom_object,
                      "ray.io", "v1", "default", "rayclusters", timeout_seconds=10):
    events.append([event["type"], event["object"]["metadata"]["name"]])
    w.stop()
print(json.dumps({"nodes": infos, "events": events}))
`;

function runPython(kubeconfig: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', script, kubeconfig]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let sandbox: TestSandbox;
beforeAll(async () => {
  if (!available) return;
  sandbox = await startTestSandbox();
  bootstrapWorld(sandbox.apiServer.api, parseWorldConfig(defaultWorldYaml));
});
afterAll(async () => {
  if (available) await sandbox.close();
});

describe.skipIf(!available)(title, () => {
  it('lists nodes and watches RayClusters with the Python client', async () => {
    const created = await sandbox.request(
      'POST',
      '/apis/ray.io/v1/namespaces/default/rayclusters',
      {
        apiVersion: 'ray.io/v1',
        kind: 'RayCluster',
        metadata: { name: 'watched' },
        spec: {
          rayVersion: '2.52.0',
          headGroupSpec: {
            rayStartParams: {},
            template: {
              spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] },
            },
          },
        },
      },
    );
    expect(created.status).toBe(201);
    const result = await runPython(sandbox.kubeconfig);
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as {
      nodes: [string, string, string][];
      events: [string, string][];
    };
    expect(output.nodes.length).toBeGreaterThan(1);
    for (const [, bootId, machineId] of output.nodes) {
      expect(bootId).toMatch(/^[0-9a-f-]{36}$/);
      expect(machineId).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(output.events).toEqual([['ADDED', 'watched']]);
  }, 30_000);
});
