import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { helmBinary } from '../support/helmBinary.ts';
import { describeWithUpstream, upstreamKuberayDir } from '../support/upstream.ts';
import {
  buildOverlay,
  findObject,
  type KubeObject,
  kuberayReleaseTags,
  parseYamlObjects,
} from './buildOverlay.ts';
import { missingPermissions, type PolicyRule, rulesOf } from './rbacRules.ts';

const operatorNamespace = 'ray-system';
/** Building a KubeRay overlay (75,000 lines of CRDs) takes about 3 s on a busy 2-core machine. */
const buildTimeout = 60_000;
const chartDir = join(upstreamKuberayDir, 'helm-charts', 'kuberay-operator');

/** `helm template` of the upstream operator chart with its default values, CRDs included. */
function renderUpstreamChart(): KubeObject[] {
  const home = mkdtempSync(join(tmpdir(), 'raydeck-helm-'));
  try {
    const output = execFileSync(
      helmBinary(),
      [
        'template',
        'kuberay-operator',
        chartDir,
        '--namespace',
        operatorNamespace,
        '--include-crds',
      ],
      {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: {
          ...process.env,
          HELM_CACHE_HOME: home,
          HELM_CONFIG_HOME: home,
          HELM_DATA_HOME: home,
        },
      },
    );
    return parseYamlObjects(output, 'helm template kuberay-operator');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The operator container's arguments in a rendered install. */
function operatorArgs(objects: readonly KubeObject[]): string[] {
  const deployment = findObject(objects, 'Deployment', 'kuberay-operator');
  const spec = deployment['spec'] as {
    template: { spec: { containers: { name: string; args?: string[]; image: string }[] } };
  };
  return spec.template.spec.containers[0]?.args ?? [];
}

/** Feature gates from `--feature-gates=A=true,B=false` (or the two-word form). */
function featureGates(args: readonly string[]): Map<string, boolean> {
  const index = args.findIndex((arg) => arg.startsWith('--feature-gates'));
  const raw = args[index]?.includes('=')
    ? args[index].slice(args[index].indexOf('=') + 1)
    : args[index + 1];
  const gates = new Map<string, boolean>();
  for (const pair of (raw ?? '').split(',').filter(Boolean)) {
    const [name = '', value = ''] = pair.split('=');
    gates.set(name, value === 'true');
  }
  return gates;
}

type Scope = string; // 'cluster' or a namespace

/** Rules granted to ServiceAccount `namespace/name` through every binding, by scope. */
function grantsTo(objects: readonly KubeObject[], account: string): Map<Scope, PolicyRule[]> {
  const byScope = new Map<Scope, PolicyRule[]>();
  for (const binding of objects) {
    if (binding.kind !== 'RoleBinding' && binding.kind !== 'ClusterRoleBinding') continue;
    const subjects = (binding['subjects'] ?? []) as {
      kind: string;
      name: string;
      namespace?: string;
    }[];
    if (
      !subjects.some((s) => s.kind === 'ServiceAccount' && `${s.namespace}/${s.name}` === account)
    ) {
      continue;
    }
    const ref = binding['roleRef'] as { kind: string; name: string };
    const scope =
      binding.kind === 'ClusterRoleBinding' ? 'cluster' : (binding.metadata.namespace ?? '');
    const role =
      ref.kind === 'ClusterRole'
        ? findObject(objects, 'ClusterRole', ref.name)
        : objects.find(
            (o) =>
              o.kind === 'Role' && o.metadata.name === ref.name && o.metadata.namespace === scope,
          );
    if (!role)
      throw new Error(`${binding.metadata.name} refers to a missing ${ref.kind} ${ref.name}`);
    byScope.set(scope, [...(byScope.get(scope) ?? []), ...rulesOf(role)]);
  }
  return byScope;
}

describeWithUpstream('KubeRay operator install vs. the upstream Helm chart', () => {
  let ours: KubeObject[] = [];
  let chart: KubeObject[] = [];
  beforeAll(() => {
    ours = buildOverlay('kuberay/base');
    chart = renderUpstreamChart();
  }, buildTimeout);

  it('installs the same CRDs, unchanged', () => {
    const crds = (objects: readonly KubeObject[]): Map<string, unknown> =>
      new Map(
        objects
          .filter((object) => object.kind === 'CustomResourceDefinition')
          .map((crd) => [crd.metadata.name, crd['spec']]),
      );
    const chartCrds = crds(chart);
    expect([...crds(ours).keys()].sort()).toEqual([...chartCrds.keys()].sort());
    for (const [name, spec] of crds(ours)) expect(spec, name).toEqual(chartCrds.get(name));
  });

  it("grants the operator's ServiceAccount everything the chart grants it", () => {
    const account = `${operatorNamespace}/kuberay-operator`;
    const ourGrants = grantsTo(ours, account);
    const chartGrants = grantsTo(chart, account);
    expect(chartGrants.size).toBeGreaterThan(0);
    for (const [scope, wanted] of chartGrants) {
      // Cluster-wide grants also cover every namespace.
      const granted = [...(ourGrants.get('cluster') ?? []), ...(ourGrants.get(scope) ?? [])];
      expect(missingPermissions(granted, wanted), `scope ${scope}`).toEqual([]);
    }
  });

  it('ships every ClusterRole of the chart, by name, no narrower', () => {
    const chartRoles = chart.filter((object) => object.kind === 'ClusterRole');
    expect(chartRoles.length).toBeGreaterThan(1);
    for (const role of chartRoles) {
      const mine = ours.find(
        (o) => o.kind === 'ClusterRole' && o.metadata.name === role.metadata.name,
      );
      expect(mine, `ClusterRole ${role.metadata.name}`).toBeDefined();
      expect(
        missingPermissions(rulesOf(mine as KubeObject), rulesOf(role)),
        role.metadata.name,
      ).toEqual([]);
    }
  });

  it("enables exactly the chart's feature gates, all known to this release", () => {
    const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as {
      featureGates: { name: string; enabled: boolean }[];
    };
    const known = new Set(values.featureGates.map((gate) => gate.name));
    const ourGates = featureGates(operatorArgs(ours));
    expect([...ourGates.keys()].filter((gate) => !known.has(gate))).toEqual([]);
    const enabled = (gates: Map<string, boolean>): string[] =>
      [...gates]
        .filter(([, on]) => on)
        .map(([name]) => name)
        .sort();
    expect(enabled(ourGates)).toEqual(enabled(featureGates(operatorArgs(chart))));
  });

  it('watches the ray namespace it creates, with leader election and metrics on', () => {
    const args = operatorArgs(ours);
    expect(args).toContain('--watch-namespace=ray');
    expect(args).toContain('--enable-leader-election=true');
    expect(args).toContain('--enable-metrics=true');
    expect(findObject(ours, 'Namespace', 'ray')).toBeDefined();
    expect(findObject(ours, 'Namespace', operatorNamespace)).toBeDefined();
  });

  it('runs the operator image of the pinned release, in its own namespace', () => {
    const [tag] = kuberayReleaseTags();
    const deployment = findObject(ours, 'Deployment', 'kuberay-operator');
    const spec = deployment['spec'] as { template: { spec: { containers: { image: string }[] } } };
    expect(spec.template.spec.containers[0]?.image).toBe(`quay.io/kuberay/operator:${tag}`);
    expect(deployment.metadata.namespace).toBe(operatorNamespace);
  });
});

describeWithUpstream('KubeRay APIServer component', () => {
  const service = (objects: readonly KubeObject[]) =>
    findObject(objects, 'Service', 'kuberay-apiserver')['spec'] as {
      type: string;
      ports: { name: string; port: number; nodePort?: number; targetPort: string }[];
    };

  it(
    'is exposed on fixed NodePorts, or on a LoadBalancer',
    () => {
      const nodePort = service(buildOverlay('kuberay/overlays/apiserver-nodeport'));
      expect(nodePort.type).toBe('NodePort');
      expect(nodePort.ports.map((p) => [p.name, p.port, p.nodePort])).toEqual([
        ['http', 8888, 31888],
        ['rpc', 8887, 31887],
      ]);
      expect(service(buildOverlay('kuberay/overlays/apiserver-loadbalancer')).type).toBe(
        'LoadBalancer',
      );
    },
    buildTimeout,
  );

  describe('with the NodePort overlay', () => {
    let objects: KubeObject[] = [];
    beforeAll(() => {
      objects = buildOverlay('kuberay/overlays/apiserver-nodeport');
    }, buildTimeout);
    afterAll(() => {
      objects = [];
    });

    it('has no security-proxy sidecar: the Service reaches the APIServer itself', () => {
      const deployment = findObject(objects, 'Deployment', 'kuberay-apiserver');
      const pod = (
        deployment['spec'] as {
          template: {
            spec: {
              containers: {
                name: string;
                image: string;
                args: string[];
                ports: { name: string; containerPort: number }[];
              }[];
            };
          };
        }
      ).template.spec;
      expect(pod.containers.map((c) => c.image)).toEqual([
        `quay.io/kuberay/apiserver:${kuberayReleaseTags()[0]}`,
      ]);
      expect(pod.containers[0]?.args).toContain('--enable-api-server-v2=true');
      const containerPorts = new Set(pod.containers[0]?.ports.map((p) => p.name));
      for (const port of service(objects).ports) expect(containerPorts).toContain(port.targetPort);
    });

    it('may submit, stop and delete Ray jobs through the service proxy', () => {
      const granted =
        grantsTo(objects, `${operatorNamespace}/kuberay-apiserver`).get('cluster') ?? [];
      const proxyVerbs = ['get', 'create', 'update', 'patch', 'delete'];
      expect(
        missingPermissions(granted, [
          { apiGroups: [''], resources: ['services/proxy'], verbs: proxyVerbs },
          { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] },
          {
            apiGroups: ['ray.io'],
            resources: ['rayclusters', 'rayjobs', 'rayservices', 'raycronjobs'],
            verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
          },
          { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['get', 'list'] },
        ]),
      ).toEqual([]);
    });

    it('grants at least what the upstream APIServer chart grants', () => {
      const home = mkdtempSync(join(tmpdir(), 'raydeck-helm-'));
      try {
        const output = execFileSync(
          helmBinary(),
          [
            'template',
            'kuberay-apiserver',
            join(upstreamKuberayDir, 'helm-charts', 'kuberay-apiserver'),
            '--namespace',
            operatorNamespace,
          ],
          {
            encoding: 'utf8',
            env: {
              ...process.env,
              HELM_CACHE_HOME: home,
              HELM_CONFIG_HOME: home,
              HELM_DATA_HOME: home,
            },
          },
        );
        const chart = parseYamlObjects(output, 'helm template kuberay-apiserver');
        const account = `${operatorNamespace}/kuberay-apiserver`;
        const wanted = grantsTo(chart, account).get('cluster') ?? [];
        expect(wanted.length).toBeGreaterThan(0);
        const granted = grantsTo(objects, account).get('cluster') ?? [];
        expect(missingPermissions(granted, wanted)).toEqual([]);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  });
});
