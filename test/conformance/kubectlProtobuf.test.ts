import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { helmBinary } from '../support/helmBinary.ts';
import { expectKubectlOk, type KubectlResult } from '../support/runKubectl.ts';
import { useServedManualWorld } from '../support/serveManualWorld.ts';

const serve = useServedManualWorld();

describe('kubectl 1.35 typed clients (protobuf bodies) against the sandbox', () => {
  it('creates namespaces, configmaps, secrets, deployments, jobs and service accounts', async () => {
    const { kubectl } = await serve();
    expectKubectlOk(await kubectl(['create', 'namespace', 'x']));
    expectKubectlOk(
      await kubectl(['create', 'configmap', 'cm', '-n', 'x', '--from-literal=greeting=hello']),
    );
    expectKubectlOk(
      await kubectl([
        'create',
        'secret',
        'generic',
        's',
        '-n',
        'x',
        '--from-literal=password=p@ss',
      ]),
    );
    expectKubectlOk(
      await kubectl([
        'create',
        'deployment',
        'web',
        '-n',
        'x',
        '--image=nginx:1.27',
        '--replicas=2',
        '--port=80',
      ]),
    );
    expectKubectlOk(
      await kubectl(['create', 'job', 'once', '-n', 'x', '--image=busybox', '--', 'true']),
    );
    expectKubectlOk(await kubectl(['create', 'serviceaccount', 'robot', '-n', 'x']));

    expect(
      expectKubectlOk(await kubectl(['get', 'namespace', 'x', '-o', 'jsonpath={.metadata.name}'])),
    ).toBe('x');
    expect(
      expectKubectlOk(
        await kubectl(['get', 'configmap', 'cm', '-n', 'x', '-o', 'jsonpath={.data.greeting}']),
      ),
    ).toBe('hello');
    const secret = expectKubectlOk(await kubectl(['get', 'secret', 's', '-n', 'x', '-o', 'yaml']));
    expect(secret).toContain(`password: ${Buffer.from('p@ss').toString('base64')}`);
    expect(secret).toContain('type: Opaque');
    const deployment = expectKubectlOk(
      await kubectl(['get', 'deployment', 'web', '-n', 'x', '-o', 'yaml']),
    );
    expect(deployment).toContain('replicas: 2');
    expect(deployment).toContain('image: nginx:1.27');
    expect(deployment).toContain('containerPort: 80');
    expect(deployment).toContain('app: web');
    const job = expectKubectlOk(await kubectl(['get', 'job', 'once', '-n', 'x', '-o', 'yaml']));
    expect(job).toContain('image: busybox');
    expectKubectlOk(await kubectl(['get', 'serviceaccount', 'robot', '-n', 'x']));
  }, 120_000);

  it('helm install stores its release Secret (sent as protobuf) and installs the chart', async () => {
    const { kubeconfig, kubectl } = await serve();
    const chart = mkdtempSync(join(tmpdir(), 'raydeck-chart-'));
    mkdirSync(join(chart, 'templates'));
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\n');
    writeFileSync(
      join(chart, 'templates', 'configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tiny-config\ndata:\n  mode: "{{ .Values.mode }}"\n',
    );
    writeFileSync(join(chart, 'values.yaml'), 'mode: demo\n');
    const home = mkdtempSync(join(tmpdir(), 'raydeck-helm-'));
    const helm = (args: string[]): Promise<KubectlResult> =>
      new Promise((resolve) => {
        execFile(
          helmBinary(),
          ['--kubeconfig', kubeconfig, ...args],
          { timeout: 60_000, env: { PATH: process.env['PATH'] ?? '', HOME: home } },
          (error, stdout, stderr) =>
            resolve({
              code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
              stdout,
              stderr,
            }),
        );
      });
    const installed = await helm(['install', 'tiny', chart, '-n', 'default']);
    expectKubectlOk(installed);
    expect(
      expectKubectlOk(
        await kubectl(['get', 'configmap', 'tiny-config', '-o', 'jsonpath={.data.mode}']),
      ),
    ).toBe('demo');
    const release = expectKubectlOk(
      await kubectl(['get', 'secret', 'sh.helm.release.v1.tiny.v1', '-o', 'jsonpath={.type}']),
    );
    expect(release).toBe('helm.sh/release.v1');
    const list = expectKubectlOk(await helm(['list', '-n', 'default']));
    expect(list).toContain('tiny');
    expect(list).toContain('deployed');
  }, 120_000);

  it('drains a node (pods deleted with protobuf DeleteOptions) and creates a node debugger pod', async () => {
    const { manual, kubectl } = await serve();
    // kubectl waits for the pod to go; simulated time moves on while it waits (one step at a time).
    let advancing = false;
    const ticker = setInterval(() => {
      if (advancing) return;
      advancing = true;
      void manual.advance(1000, 500).finally(() => {
        advancing = false;
      });
    }, 20);
    try {
      expectKubectlOk(await kubectl(['run', 'lone', '--image=busybox', '--restart=Never']));
      const pods = manual.type('', 'pods');
      const nodeName = () =>
        (manual.api.get(pods, 'default', 'lone')['spec'] as { nodeName?: string }).nodeName ?? '';
      await manual.advanceUntil(() => nodeName() !== '');
      const scheduled = nodeName();
      expect(scheduled).not.toBe('');
      const drained = expectKubectlOk(
        await kubectl(['drain', scheduled, '--ignore-daemonsets', '--force', '--timeout=30s']),
      );
      expect(drained).toContain('pod/lone deleted');
      expect(drained).toContain(`node/${scheduled} drained`);
      expect(
        expectKubectlOk(
          await kubectl(['get', 'node', scheduled, '-o', 'jsonpath={.spec.unschedulable}']),
        ),
      ).toBe('true');
      const debug = expectKubectlOk(
        await kubectl([
          'debug',
          'node/cpu-2',
          '--image=busybox',
          '--attach=false',
          '--profile=general',
        ]),
      );
      expect(debug).toContain('Creating debugging pod node-debugger-cpu-2-');
    } finally {
      clearInterval(ticker);
    }
  }, 120_000);
});
