import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { kubectlBinary } from '../support/kubectlBinary.ts';
import { expectKubectlOk, type KubectlResult, kubectlRunner } from '../support/runKubectl.ts';
import { startTestSandbox, type TestSandbox } from '../support/startTestSandbox.ts';
import { describeWithUpstream, upstreamKuberayDir } from '../support/upstream.ts';

let sandbox: TestSandbox;
let kubectl: (args: string[], input?: string) => Promise<KubectlResult>;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  kubectl = kubectlRunner(sandbox.kubeconfig);
});
afterAll(() => sandbox.close());

const namespaceYaml = (name: string) =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

const rayClusterYaml = (name: string, labels = 'team: a') => `
apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: ${name}
  labels:
    ${labels}
spec:
  rayVersion: '2.52.0'
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers:
          - name: ray-head
            image: rayproject/ray:2.52.0
`;

describe('kubectl 1.35 against the sandbox', () => {
  it('lists namespaces and resources through discovery', async () => {
    const namespaces = expectKubectlOk(await kubectl(['get', 'namespaces', '-o', 'name']));
    expect(namespaces.split('\n')).toEqual(
      expect.arrayContaining(['namespace/default', 'namespace/kube-system']),
    );
    const resources = expectKubectlOk(
      await kubectl(['api-resources', '--api-group=ray.io', '-o', 'name']),
    );
    expect(resources.trim().split('\n').sort()).toEqual([
      'rayclusters.ray.io',
      'raycronjobs.ray.io',
      'rayjobs.ray.io',
      'rayservices.ray.io',
    ]);
  });

  it('gets with -o json, -l and -A', async () => {
    expectKubectlOk(await kubectl(['apply', '-f', '-'], namespaceYaml('kc-a')));
    expectKubectlOk(
      await kubectl(['apply', '-n', 'kc-a', '-f', '-'], rayClusterYaml('c-one', 'team: a')),
    );
    expectKubectlOk(
      await kubectl(['apply', '-n', 'default', '-f', '-'], rayClusterYaml('c-two', 'team: b')),
    );
    const json = JSON.parse(
      expectKubectlOk(await kubectl(['get', 'raycluster', 'c-one', '-n', 'kc-a', '-o', 'json'])),
    ) as {
      metadata: { name: string; uid: string };
    };
    expect(json.metadata.name).toBe('c-one');
    const labelled = expectKubectlOk(
      await kubectl(['get', 'rayclusters', '-A', '-l', 'team=b', '-o', 'name']),
    );
    expect(labelled.trim()).toBe('raycluster.ray.io/c-two');
    const all = expectKubectlOk(
      await kubectl(['get', 'rayclusters', '--all-namespaces', '-o', 'name']),
    );
    expect(all.trim().split('\n')).toEqual(
      expect.arrayContaining(['raycluster.ray.io/c-one', 'raycluster.ray.io/c-two']),
    );
  });

  it('sees an event with get -w', async () => {
    const child = spawn(
      kubectlBinary(),
      [
        '--kubeconfig',
        sandbox.kubeconfig,
        'get',
        'configmaps',
        '-n',
        'default',
        '-w',
        '-o',
        'name',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expectKubectlOk(
        await kubectl(
          ['apply', '-n', 'default', '-f', '-'],
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched-by-kubectl\n',
        ),
      );
      for (let attempt = 0; attempt < 100 && !output.includes('watched-by-kubectl'); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(output).toContain('configmap/watched-by-kubectl');
    } finally {
      child.kill();
    }
  });

  it('patches, labels and annotates', async () => {
    expectKubectlOk(await kubectl(['apply', '-f', '-'], rayClusterYaml('c-patch')));
    expectKubectlOk(
      await kubectl([
        'patch',
        'raycluster',
        'c-patch',
        '--type',
        'merge',
        '-p',
        '{"spec":{"suspend":true}}',
      ]),
    );
    expectKubectlOk(await kubectl(['label', 'raycluster', 'c-patch', 'tier=gpu']));
    expectKubectlOk(
      await kubectl(['annotate', 'raycluster', 'c-patch', 'raydeck.dev/owner=alice']),
    );
    const object = JSON.parse(
      expectKubectlOk(await kubectl(['get', 'raycluster', 'c-patch', '-o', 'json'])),
    ) as {
      spec: { suspend: boolean };
      metadata: {
        labels: Record<string, string>;
        annotations: Record<string, string>;
        generation: number;
      };
    };
    expect(object.spec.suspend).toBe(true);
    expect(object.metadata.labels['tier']).toBe('gpu');
    expect(object.metadata.annotations['raydeck.dev/owner']).toBe('alice');
    expect(object.metadata.generation).toBe(2);
  });

  it('deletes with cascading to owned objects', async () => {
    expectKubectlOk(await kubectl(['apply', '-f', '-'], rayClusterYaml('c-owner')));
    const owner = JSON.parse(
      expectKubectlOk(await kubectl(['get', 'raycluster', 'c-owner', '-o', 'json'])),
    ) as { metadata: { uid: string } };
    const dependent = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c-owner-config',
        ownerReferences: [
          {
            apiVersion: 'ray.io/v1',
            kind: 'RayCluster',
            name: 'c-owner',
            uid: owner.metadata.uid,
            controller: true,
          },
        ],
      },
    });
    expectKubectlOk(await kubectl(['create', '-f', '-'], dependent));
    const deleted = expectKubectlOk(
      await kubectl(['delete', 'raycluster', 'c-owner', '--cascade=foreground']),
    );
    expect(deleted).toContain('raycluster.ray.io "c-owner" deleted');
    const gone = await kubectl(['get', 'configmap', 'c-owner-config']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('configmaps "c-owner-config" not found');
  });

  it('prints the Status message when creating something invalid', async () => {
    const invalid = rayClusterYaml('c-invalid').replace(
      "rayVersion: '2.52.0'",
      "rayVersion: '2.52.0'\n  upgradeStrategy:\n    type: Sometimes",
    );
    const result = await kubectl(['create', '-f', '-'], invalid);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The RayCluster "c-invalid" is invalid');
    expect(result.stderr).toContain('spec.upgradeStrategy.type: Unsupported value: "Sometimes"');
    expect((await kubectl(['get', 'raycluster', 'c-invalid'])).code).toBe(1);
  });

  it("gives kubectl's usual error for a kind whose CRD is not installed", async () => {
    const queue =
      'apiVersion: scheduling.volcano.sh/v1beta1\nkind: Queue\nmetadata:\n  name: q\nspec:\n  weight: 1\n';
    const result = await kubectl(['apply', '-f', '-'], queue);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'no matches for kind "Queue" in version "scheduling.volcano.sh/v1beta1"',
    );
  });
});

describeWithUpstream('kubectl apply of every upstream KubeRay sample', () => {
  const samplesDir = join(upstreamKuberayDir, 'samples');
  const samples = readdirSync(samplesDir)
    .filter((file) => file.endsWith('.yaml'))
    .sort();

  it.each(samples)('%s', async (file) => {
    const text = readFileSync(join(samplesDir, file), 'utf8');
    const objects = parseAllDocuments(text)
      .map(
        (document) =>
          document.toJSON() as {
            apiVersion?: string;
            kind?: string;
            metadata?: { name?: string; generateName?: string; namespace?: string };
          } | null,
      )
      .filter((object): object is NonNullable<typeof object> => !!object?.kind);
    const namespace = `s-${samples.indexOf(file)}`;
    expectKubectlOk(await kubectl(['apply', '-f', '-'], namespaceYaml(namespace)));
    // Samples that use generateName are meant for `kubectl create` (apply refuses generateName).
    const verb = objects.some((object) => !object.metadata?.name) ? 'create' : 'apply';
    const result = await kubectl([verb, '-n', namespace, '-f', join(samplesDir, file)]);

    const discovery = (await sandbox.request('GET', '/apis')).body as {
      groups: { name: string }[];
    };
    const servedGroups = new Set(['', ...discovery.groups.map((group) => group.name)]);
    const unserved = objects.filter(
      (object) =>
        !servedGroups.has(
          (object.apiVersion ?? '').includes('/')
            ? ((object.apiVersion ?? '').split('/')[0] ?? '')
            : '',
        ),
    );
    for (const object of unserved) {
      expect(result.stderr).toContain(
        `no matches for kind "${object.kind}" in version "${object.apiVersion}"`,
      );
    }
    if (unserved.length === 0) expect(result.code, result.stderr).toBe(0);
    for (const object of objects.filter(
      (candidate) => !unserved.includes(candidate) && candidate.metadata?.name,
    )) {
      const where = object.metadata?.namespace ?? namespace;
      const found = await kubectl([
        'get',
        `${object.kind}.${(object.apiVersion ?? '').split('/')[0]}`.replace(/\.v1$/, ''),
        object.metadata?.name ?? '',
        '-n',
        where,
        '-o',
        'name',
      ]);
      expect(found.code, `${object.kind} ${object.metadata?.name}: ${found.stderr}`).toBe(0);
    }
  });
});
