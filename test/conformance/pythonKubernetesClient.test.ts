import { spawn, spawnSync } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bootstrapWorld } from '../../src/sandbox/world/bootstrapWorld.ts';
import { defaultWorldYaml, parseWorldConfig } from '../../src/sandbox/world/worldConfig.ts';
import { startTestSandbox, type TestSandbox } from '../support/startTestSandbox.ts';

/**
 * Debian's interpreter, where `apt-get install python3-kubernetes` puts the official client (a
 * `python3` earlier on PATH, e.g. pyenv's, does not see Debian's packages). The node project's
 * global setup installs the package as root (test/support/ensureDebianPackages.ts).
 */
const python = '/usr/bin/python3';
const pythonClient = spawnSync(python, ['-c', 'import kubernetes'], { stdio: 'ignore' });
const available = pythonClient.status === 0;
const title = available
  ? 'python3-kubernetes against the sandbox'
  : `python3-kubernetes against the sandbox (skipped: \`${python} -c "import kubernetes"\` failed; install python3-kubernetes to run it)`;

/**
 * Lists nodes (the client deserialises every NodeSystemInfo field it requires), prints `READY`,
 * then watches RayClusters (the client sends `watch=True`) from the list's resourceVersion until
 * it sees `watched` deleted, and prints the events as one JSON line.
 */
const script = String.raw`
import json, sys
from kubernetes import client, config, watch
config.load_kube_config(sys.argv[1])
nodes = client.CoreV1Api().list_node()
infos = [(n.metadata.name, n.status.node_info.boot_id, n.status.node_info.machine_id) for n in nodes.items]
api = client.CustomObjectsApi()
listed = api.list_namespaced_custom_object("ray.io", "v1", "default", "rayclusters")
print("READY", flush=True)
events = []
w = watch.Watch()
for event in w.stream(api.list_namespaced_custom_object, "ray.io", "v1", "default", "rayclusters",
                      resource_version=listed["metadata"]["resourceVersion"], timeout_seconds=20):
    name = event["object"]["metadata"]["name"]
    labels = event["object"]["metadata"].get("labels") or {}
    events.append([event["type"], name, labels.get("stage", "")])
    if event["type"] == "DELETED" and name == "watched":
        w.stop()
print(json.dumps({"nodes": infos, "events": events}))
`;

/** Runs the script; `onReady` is called once the watch is about to start. */
function runPython(
  kubeconfig: string,
  onReady: () => Promise<void>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', script, kubeconfig]);
    let stdout = '';
    let stderr = '';
    let started = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!started && stdout.startsWith('READY\n')) {
        started = true;
        onReady().catch((error: unknown) => {
          child.kill();
          reject(error instanceof Error ? error : new Error(String(error)));
        });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: stdout.replace(/^READY\n/, ''), stderr }),
    );
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
  it('lists nodes and watches RayClusters with the Python client: added, modified, deleted', async () => {
    const path = '/apis/ray.io/v1/namespaces/default/rayclusters';
    const result = await runPython(sandbox.kubeconfig, async () => {
      const created = await sandbox.request('POST', path, {
        apiVersion: 'ray.io/v1',
        kind: 'RayCluster',
        metadata: { name: 'watched', labels: { stage: 'created' } },
        spec: {
          rayVersion: '2.52.0',
          headGroupSpec: {
            rayStartParams: {},
            template: {
              spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] },
            },
          },
        },
      });
      expect(created.status).toBe(201);
      const patched = await sandbox.request(
        'PATCH',
        `${path}/watched`,
        { metadata: { labels: { stage: 'patched' } } },
        { 'content-type': 'application/merge-patch+json' },
      );
      expect(patched.status).toBe(200);
      expect((await sandbox.request('DELETE', `${path}/watched`)).status).toBe(200);
    });
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as {
      nodes: [string, string, string][];
      events: [string, string, string][];
    };
    expect(output.nodes.length).toBeGreaterThan(1);
    for (const [, bootId, machineId] of output.nodes) {
      expect(bootId).toMatch(/^[0-9a-f-]{36}$/);
      expect(machineId).toMatch(/^[0-9a-f]{32}$/);
    }
    const watched = output.events.filter(([, name]) => name === 'watched');
    // The simulated operator also writes status, so more MODIFIED events may come in between.
    expect(watched[0]).toEqual(['ADDED', 'watched', 'created']);
    expect(watched).toContainEqual(['MODIFIED', 'watched', 'patched']);
    expect(watched.at(-1)?.[0]).toBe('DELETED');
  }, 30_000);
});
