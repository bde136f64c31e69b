import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { rayCustomResourceDefinitions } from '../../src/sandbox/apiserver/rayCustomResourceDefinitions.ts';
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

const rayClusterYaml = (name: string, rayVersion = '2.52.0') => `
apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: ${name}
  namespace: default
spec:
  rayVersion: '${rayVersion}'
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers:
          - name: ray-head
            image: rayproject/ray:2.52.0
`;

async function managers(name: string): Promise<string> {
  return expectKubectlOk(
    await kubectl([
      'get',
      'raycluster',
      name,
      '-n',
      'default',
      '-o',
      'jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation} {end}',
    ]),
  ).trim();
}

describe('kubectl 1.35 apply --server-side against the sandbox', () => {
  it('applies a RayCluster, and applying it again changes nothing', async () => {
    const first = expectKubectlOk(
      await kubectl(['apply', '--server-side', '-f', '-'], rayClusterYaml('ssa-one')),
    );
    expect(first.trim()).toBe('raycluster.ray.io/ssa-one serverside-applied');
    const version = () =>
      kubectl(['get', 'raycluster', 'ssa-one', '-o', 'jsonpath={.metadata.resourceVersion}']);
    const before = expectKubectlOk(await version());
    const second = expectKubectlOk(
      await kubectl(['apply', '--server-side', '-f', '-'], rayClusterYaml('ssa-one')),
    );
    expect(second.trim()).toBe('raycluster.ray.io/ssa-one serverside-applied');
    expect(expectKubectlOk(await version())).toBe(before);
    expect(await managers('ssa-one')).toBe('kubectl/Apply');
  });

  it('refuses a second field manager changing the same field, until --force-conflicts', async () => {
    expectKubectlOk(
      await kubectl(['apply', '--server-side', '-f', '-'], rayClusterYaml('ssa-two')),
    );
    const refused = await kubectl(
      ['apply', '--server-side', '--field-manager=upgrader', '-f', '-'],
      rayClusterYaml('ssa-two', '2.53.0'),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl": .spec.rayVersion',
    );
    expect(refused.stderr).toContain('--force-conflicts');

    const diff = await kubectl(
      ['diff', '--server-side', '--field-manager=upgrader', '--force-conflicts', '-f', '-'],
      rayClusterYaml('ssa-two', '2.53.0'),
    );
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toContain('+  rayVersion: 2.53.0');

    expectKubectlOk(
      await kubectl(
        ['apply', '--server-side', '--field-manager=upgrader', '--force-conflicts', '-f', '-'],
        rayClusterYaml('ssa-two', '2.53.0'),
      ),
    );
    expect(
      expectKubectlOk(
        await kubectl(['get', 'raycluster', 'ssa-two', '-o', 'jsonpath={.spec.rayVersion}']),
      ),
    ).toBe('2.53.0');
    expect(await managers('ssa-two')).toBe('kubectl/Apply upgrader/Apply');
  });

  it('records kubectl edit-style updates and takes over from client-side apply', async () => {
    expectKubectlOk(await kubectl(['apply', '-f', '-'], rayClusterYaml('ssa-three')));
    expect(await managers('ssa-three')).toBe('kubectl-client-side-apply/Update');
    expectKubectlOk(await kubectl(['label', 'raycluster', 'ssa-three', 'tier=gpu']));
    expect(await managers('ssa-three')).toBe(
      'kubectl-client-side-apply/Update kubectl-label/Update',
    );
    // The fields of the last-applied annotation move to server-side apply without a conflict.
    expectKubectlOk(
      await kubectl(['apply', '--server-side', '-f', '-'], rayClusterYaml('ssa-three', '2.53.0')),
    );
    expect(
      expectKubectlOk(
        await kubectl(['get', 'raycluster', 'ssa-three', '-o', 'jsonpath={.spec.rayVersion}']),
      ),
    ).toBe('2.53.0');
  });

  it('applies built-in kinds (containers, env and ports by key); re-applying changes nothing', async () => {
    const manifest = `
apiVersion: v1
kind: Namespace
metadata:
  name: ssa-builtin
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ssa-builtin
spec:
  selector: { app: web }
  ports:
    - name: http
      port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ssa-builtin
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: app
          image: nginx:1.27
          ports:
            - containerPort: 8080
          env:
            - name: MODE
              value: demo
`;
    expectKubectlOk(await kubectl(['apply', '--server-side', '-f', '-'], manifest));
    const versions = async () =>
      expectKubectlOk(
        await kubectl([
          'get',
          'namespace/ssa-builtin',
          'service/web',
          'deployment/web',
          '-n',
          'ssa-builtin',
          '-o',
          'jsonpath={range .items[*]}{.metadata.resourceVersion} {end}',
        ]),
      );
    const first = (await versions()).split(' ');
    const again = expectKubectlOk(await kubectl(['apply', '--server-side', '-f', '-'], manifest));
    expect(again).toContain('deployment.apps/web serverside-applied');
    // The bare Namespace left its applier owning nothing (name is never owned), so the second
    // apply attributes its defaults to before-first-apply, as upstream; then nothing changes.
    const second = (await versions()).split(' ');
    expect(second.slice(1)).toEqual(first.slice(1));
    expectKubectlOk(await kubectl(['apply', '--server-side', '-f', '-'], manifest));
    expect((await versions()).split(' ')).toEqual(second);
    const fields = JSON.parse(
      expectKubectlOk(
        await kubectl([
          'get',
          'deployment/web',
          '-n',
          'ssa-builtin',
          '-o',
          'jsonpath={.metadata.managedFields[0].fieldsV1}',
        ]),
      ),
    ) as { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': Record<string, unknown> } } } };
    expect(fields['f:spec']['f:template']['f:spec']['f:containers']).toEqual({
      'k:{"name":"app"}': {
        '.': {},
        'f:env': { 'k:{"name":"MODE"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
        'f:image': {},
        'f:name': {},
        'f:ports': {
          'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
        },
      },
    });
  });

  it("applies the sandbox's own ray.io CRDs server-side", async () => {
    const list = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: rayCustomResourceDefinitions,
    });
    const applied = expectKubectlOk(await kubectl(['apply', '--server-side', '-f', '-'], list));
    expect(applied).toContain(
      'customresourcedefinition.apiextensions.k8s.io/rayclusters.ray.io serverside-applied',
    );
    expectKubectlOk(await kubectl(['apply', '--server-side', '-f', '-'], list));
  });
});

describeWithUpstream('kubectl apply --server-side of the upstream KubeRay CRDs', () => {
  // A sandbox of its own: its ray.io CRDs are still the ones it installed at start.
  let fresh: TestSandbox;
  let run: typeof kubectl;
  beforeAll(async () => {
    fresh = await startTestSandbox();
    run = kubectlRunner(fresh.kubeconfig);
  });
  afterAll(() => fresh.close());

  it(
    'installs and re-applies every CRD, as docs/deploy.md does',
    { timeout: 120_000 },
    async () => {
      const crdsDir = join(upstreamKuberayDir, 'crds');
      const files = readdirSync(crdsDir).filter((file) => file.endsWith('.yaml'));
      expect(files.length).toBeGreaterThan(0);
      // The sandbox installed its own ray.io CRDs without a manager: their fields belong to
      // before-first-apply, and different CRDs conflict with them as on any cluster.
      const refused = await run(['apply', '--server-side', '-f', crdsDir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        'conflict with "before-first-apply" using apiextensions.k8s.io/v1: .spec.versions',
      );
      for (const force of [['--force-conflicts'], []]) {
        const result = expectKubectlOk(
          await run(['apply', '--server-side', ...force, '-f', crdsDir]),
        );
        for (const file of files) {
          const name = file.replace(/^ray\.io_(\w+)\.yaml$/, '$1.ray.io');
          expect(result).toContain(
            `customresourcedefinition.apiextensions.k8s.io/${name} serverside-applied`,
          );
        }
      }
      const fields = expectKubectlOk(
        await run([
          'get',
          'crd',
          'rayjobs.ray.io',
          '-o',
          'jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation} {end}',
        ]),
      );
      expect(fields).toContain('kubectl/Apply');
      expectKubectlOk(
        await run(['apply', '--server-side', '-f', '-'], rayClusterYaml('ssa-upstream')),
      );
    },
  );
});
