import { spawn } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { kubectlBinary } from '../support/kubectlBinary.ts';
import { expectKubectlOk } from '../support/runKubectl.ts';
import { useServedManualWorld } from '../support/serveManualWorld.ts';

const serve = useServedManualWorld();

const deploymentYaml = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
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
          resources: { requests: { cpu: 100m, memory: 64Mi } }
`;

describe('kubectl 1.35 against a simulated world', () => {
  it('scales a Deployment through its scale subresource and sorts events by lastTimestamp', async () => {
    const { manual, kubectl } = await serve();
    expectKubectlOk(await kubectl(['apply', '-f', '-'], deploymentYaml));
    await manual.advance(10_000, 500);
    expect(
      expectKubectlOk(await kubectl(['scale', '-n', 'team-a', 'deployment/web', '--replicas=3'])),
    ).toContain('deployment.apps/web scaled');
    const replicas = await kubectl([
      'get',
      '-n',
      'team-a',
      'deployment/web',
      '-o',
      'jsonpath={.spec.replicas}',
    ]);
    expect(expectKubectlOk(replicas)).toBe('3');
    await manual.advance(10_000, 500);
    const sorted = expectKubectlOk(
      await kubectl([
        'get',
        'events',
        '-n',
        'team-a',
        '--sort-by=.lastTimestamp',
        '-o',
        'jsonpath={range .items[*]}{.lastTimestamp}{"\\n"}{end}',
      ]),
    );
    const times = sorted.split('\n').filter((line) => line !== '');
    expect(times.length).toBeGreaterThan(3);
    expect([...times].sort()).toEqual(times);
  });

  it('explains that exec is not supported and follows logs until the container exits', async () => {
    const { manual, kubeconfig, kubectl } = await serve();
    expectKubectlOk(
      await kubectl(
        ['apply', '-f', '-'],
        `apiVersion: v1
kind: Pod
metadata: { name: head, namespace: team-a, labels: { ray.io/node-type: head } }
spec:
  restartPolicy: Never
  containers:
    - name: ray-head
      image: rayproject/ray:2.52.0
      command: [/bin/bash, -lc, --]
      args: [ray start --head --block]
`,
      ),
    );
    await manual.advance(5_500, 100);
    const exec = await kubectl(['exec', '-n', 'team-a', 'head', '--', 'ls']);
    expect(exec.code).not.toBe(0);
    expect(exec.stderr).toContain('the Raydeck sandbox runs no containers; exec is not supported');

    const child = spawn(kubectlBinary(), [
      '--kubeconfig',
      kubeconfig,
      'logs',
      '-f',
      '-n',
      'team-a',
      'head',
    ]);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number>((resolve) =>
      child.on('close', (code) => resolve(code ?? -1)),
    );
    const waitFor = async (text: string) => {
      for (let attempt = 0; attempt < 200 && !output.includes(text); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(output).toContain(text);
    };
    await waitFor('Local node IP:');
    await manual.advance(3_000, 100);
    await waitFor('Ray runtime started.');
    expect(child.exitCode).toBeNull();
    manual.api.delete(manual.type('', 'pods'), 'team-a', 'head');
    await manual.advance(5_000, 100);
    expect(await exited).toBe(0);
  }, 30_000);
});
