import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect, it } from 'vitest';
import { parse } from 'yaml';

import { describeWithUpstream } from '../support/upstream.ts';
import {
  buildOverlay,
  findKustomizations,
  type KubeObject,
  kuberayReleaseTags,
  repoRoot,
} from './buildOverlay.ts';
import { validateCoreObject } from './validateCoreObject.ts';

/** Every buildable kustomization under deploy/ (Components are built through overlays). */
const kustomizations = findKustomizations(join(repoRoot, 'deploy'))
  .filter((file) => {
    const doc = parse(readFileSync(join(repoRoot, 'deploy', file), 'utf8')) as { kind?: string };
    return doc.kind !== 'Component';
  })
  .map((file) => file.replace(/\/?kustomization\.yaml$/, ''));

const clusterScopedKinds = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

/** The subjects of a (Cluster)RoleBinding, as the tests need them. */
function subjectsOf(binding: KubeObject): { kind: string; name: string; namespace?: string }[] {
  return (binding['subjects'] as { kind: string; name: string; namespace?: string }[]) ?? [];
}

describeWithUpstream('deploy kit overlays (built offline with kubectl 1.35 kustomize)', () => {
  it('finds the overlays the kit documents', () => {
    expect(kustomizations).toEqual(
      expect.arrayContaining([
        'kuberay/base',
        'kuberay/operator',
        'kuberay/overlays/apiserver-nodeport',
        'kuberay/overlays/apiserver-loadbalancer',
        'raydeck/base',
        'raydeck/overlays/homelab',
        'raydeck/overlays/production',
      ]),
    );
  });

  it('pins every remote KubeRay reference to one release tag', () => {
    expect(kuberayReleaseTags()).toEqual([expect.stringMatching(/^v\d+\.\d+\.\d+$/)]);
  });

  it.each(kustomizations)(
    '%s builds, and every object validates against its schema',
    (dir) => {
      const objects = buildOverlay(dir);
      expect(objects.length).toBeGreaterThan(0);
      const problems = objects
        .map((object) => [object, validateCoreObject(object)] as const)
        .filter(([, problem]) => problem !== undefined)
        .map(([object, problem]) => `${object.kind} ${object.metadata.name}: ${problem}`);
      expect(problems).toEqual([]);
    },
    60_000,
  );

  it.each(kustomizations)('%s puts every namespaced object in a namespace', (dir) => {
    const loose = buildOverlay(dir)
      .filter((object) => !clusterScopedKinds.has(object.kind) && !object.metadata.namespace)
      .map((object) => `${object.kind} ${object.metadata.name}`);
    expect(loose).toEqual([]);
  });

  it.each(kustomizations)('%s binds roles only to ServiceAccounts it creates', (dir) => {
    const objects = buildOverlay(dir);
    const accounts = new Set(
      objects
        .filter((object) => object.kind === 'ServiceAccount')
        .map((account) => `${account.metadata.namespace}/${account.metadata.name}`),
    );
    const dangling = objects
      .filter((object) => object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding')
      .flatMap((binding) => subjectsOf(binding))
      .filter((subject) => subject.kind === 'ServiceAccount')
      .map((subject) => `${subject.namespace}/${subject.name}`)
      .filter((account) => !accounts.has(account));
    expect(dangling).toEqual([]);
  });

  it.each(kustomizations)('%s runs every container non-root with resources and probes', (dir) => {
    const problems: string[] = [];
    for (const deployment of buildOverlay(dir).filter((o) => o.kind === 'Deployment')) {
      const pod = (deployment['spec'] as { template: { spec: PodSpec } }).template.spec;
      for (const container of pod.containers) {
        const where = `${deployment.metadata.name}/${container.name}`;
        const nonRoot =
          container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
        if (nonRoot !== true) problems.push(`${where}: not runAsNonRoot`);
        if (container.securityContext?.allowPrivilegeEscalation !== false) {
          problems.push(`${where}: privilege escalation allowed`);
        }
        if (container.securityContext?.readOnlyRootFilesystem !== true) {
          problems.push(`${where}: writable root filesystem`);
        }
        if (!container.resources?.requests?.['memory'])
          problems.push(`${where}: no memory request`);
        if (!container.resources?.limits?.['memory']) problems.push(`${where}: no memory limit`);
        if (!container.livenessProbe || !container.readinessProbe) {
          problems.push(`${where}: missing a probe`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

/** The parts of a pod spec these checks read. */
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  containers: {
    name: string;
    securityContext?: {
      runAsNonRoot?: boolean;
      allowPrivilegeEscalation?: boolean;
      readOnlyRootFilesystem?: boolean;
    };
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    livenessProbe?: unknown;
    readinessProbe?: unknown;
  }[];
}
