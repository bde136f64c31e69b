import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { expectKubectlOk, type KubectlResult, kubectlRunner } from '../support/runKubectl.ts';
import { startTestSandbox, type TestSandbox } from '../support/startTestSandbox.ts';

let sandbox: TestSandbox;
let kubectl: (args: string[], input?: string) => Promise<KubectlResult>;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  kubectl = kubectlRunner(sandbox.kubeconfig);
});
afterAll(() => sandbox.close());

const rayCluster = (name: string, extraSpec = '') => `
apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: ${name}
spec:
  rayVersion: '2.52.0'${extraSpec}
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers:
          - name: ray-head
            image: rayproject/ray:2.52.0
            resources:
              limits: {cpu: 1, memory: 2Gi}
  workerGroupSpecs:
    - groupName: cpu
      replicas: 1
      template:
        spec:
          containers:
            - name: ray-worker
              image: rayproject/ray:2.52.0
`;

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
          env:
            - name: A
              valueFrom:
                configMapKeyRef: {name: c, key: k}
          volumeMounts:
            - {name: data, mountPath: /data}
      volumes:
        - name: data
          emptyDir: {}
`;

describe('kubectl 1.35 validation, explain and OpenAPI against the sandbox', () => {
  it('applies valid manifests with client-side validation on (the default)', async () => {
    expectKubectlOk(await kubectl(['apply', '-f', '-'], rayCluster('oa-valid')));
    expectKubectlOk(await kubectl(['apply', '-n', 'default', '-f', '-'], deployment));
    expectKubectlOk(
      await kubectl(['create', '--validate=strict', '-f', '-'], rayCluster('oa-strict')),
    );
  });

  it('refuses unknown fields under --validate=strict, naming them', async () => {
    const custom = await kubectl(
      ['create', '--validate=strict', '-f', '-'],
      rayCluster('oa-unknown', '\n  bogusField: 1'),
    );
    expect(custom.code).toBe(1);
    expect(custom.stderr).toContain('unknown field "bogusField" in io.ray.v1.RayCluster.spec');
    const builtin = await kubectl(
      ['create', '--validate=strict', '-f', '-'],
      deployment.replace('image: nginx:1.27', 'image: nginx:1.27\n          imagePolicy: x'),
    );
    expect(builtin.code).toBe(1);
    expect(builtin.stderr).toContain('unknown field "imagePolicy" in io.k8s.api.core.v1.Container');
    expect((await kubectl(['get', 'raycluster', 'oa-unknown'])).code).toBe(1);
  });

  it('refuses a missing required field and a wrong type', async () => {
    const result = await kubectl(
      ['create', '-f', '-'],
      deployment
        .replace('- name: web\n          image', '- image')
        .replace('replicas: 1', 'replicas: one'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'missing required field "name" in io.k8s.api.core.v1.Container',
    );
    expect(result.stderr).toContain('invalid type for io.k8s.api.apps.v1.DeploymentSpec.replicas');
  });

  it('re-applies built-in kinds with strategic merge patches keyed as OpenAPI says', async () => {
    const name = deployment.replace('name: web\n', 'name: merged\n');
    expectKubectlOk(await kubectl(['apply', '-n', 'default', '-f', '-'], name));
    // A container env var added outside the manifest survives a re-apply: containers and env
    // merge by name (x-kubernetes-patch-merge-key) instead of being replaced.
    expectKubectlOk(
      await kubectl([
        'patch',
        'deployment',
        'merged',
        '-n',
        'default',
        '-p',
        '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"EXTRA","value":"1"}]}]}}}}',
      ]),
    );
    const reapplied = await kubectl(
      ['apply', '-n', 'default', '-v=8', '-f', '-'],
      name.replace('nginx:1.27', 'nginx:1.28'),
    );
    expectKubectlOk(reapplied);
    expect(reapplied.stderr).toContain('application/strategic-merge-patch+json');
    expect(reapplied.stderr).not.toContain('does not support strategic merge patch');
    const live = JSON.parse(
      expectKubectlOk(
        await kubectl(['get', 'deployment', 'merged', '-n', 'default', '-o', 'json']),
      ),
    ) as {
      spec: { template: { spec: { containers: { image: string; env: { name: string }[] }[] } } };
    };
    const container = live.spec.template.spec.containers[0];
    expect(container?.image).toBe('nginx:1.28');
    expect(container?.env.map((env) => env.name).sort()).toEqual(['A', 'EXTRA']);
  });

  it('explains custom resources and built-in kinds', async () => {
    const head = expectKubectlOk(await kubectl(['explain', 'raycluster.spec.headGroupSpec']));
    expect(head).toContain('GROUP:      ray.io');
    expect(head).toContain('KIND:       RayCluster');
    expect(head).toMatch(/rayStartParams\s+<map\[string\]string>/);
    expect(head).toMatch(/template\s+<Object> -required-/);
    const podSpec = expectKubectlOk(await kubectl(['explain', 'pod.spec']));
    expect(podSpec).toContain('KIND:       Pod');
    expect(podSpec).toMatch(/containers\s+<\[\]Container>/);
    expect(podSpec).toMatch(/nodeSelector\s+<map\[string\]string>/);
    const ports = expectKubectlOk(
      await kubectl(['explain', 'deployment.spec.template.spec.containers.ports']),
    );
    expect(ports).toMatch(/containerPort\s+<integer> -required-/);
  });

  it('answers OpenAPI requests as the API server does', async () => {
    const v2 = await fetch(`${sandbox.url}/openapi/v2`, {
      headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    expect(v2.status).toBe(200);
    expect(v2.headers.get('content-type')).toBe(
      'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    );
    const json = (await (await fetch(`${sandbox.url}/openapi/v2`)).json()) as { swagger: string };
    expect(json.swagger).toBe('2.0');
    const onlyProtobuf = await fetch(`${sandbox.url}/openapi/v3/api/v1`, {
      headers: { accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' },
    });
    expect(onlyProtobuf.status).toBe(406);
    const index = (await (await fetch(`${sandbox.url}/openapi/v3`)).json()) as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    const url = index.paths['apis/ray.io/v1']?.serverRelativeURL ?? '';
    const current = await fetch(`${sandbox.url}${url}`);
    expect(current.headers.get('cache-control')).toBe('public, immutable');
    const stale = await fetch(`${sandbox.url}/openapi/v3/apis/ray.io/v1?hash=00`, {
      redirect: 'manual',
    });
    expect(stale.status).toBe(301);
    expect(stale.headers.get('location')).toBe(url);
    expect((await fetch(`${sandbox.url}/openapi/v3/apis/nothing.example/v1`)).status).toBe(404);
  });
});
