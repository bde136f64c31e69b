import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { buildOverlay, findObject, type KubeObject, repoRoot } from './buildOverlay.ts';
import { expandRules, type PolicyRule, rulesOf } from './rbacRules.ts';

const buildTimeout = 60_000;

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }[];
  volumeMounts?: { name: string; mountPath: string }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  startupProbe?: { httpGet: { path: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  securityContext: { readOnlyRootFilesystem: boolean };
}

interface DeploymentSpec {
  replicas: number;
  strategy?: { type: string; rollingUpdate?: { maxUnavailable: number } };
  template: {
    spec: {
      serviceAccountName: string;
      securityContext: { runAsNonRoot: boolean; runAsUser: number };
      containers: Container[];
      volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[];
    };
  };
}

function deploymentSpec(objects: readonly KubeObject[]): DeploymentSpec {
  return findObject(objects, 'Deployment', 'raydeck')['spec'] as DeploymentSpec;
}

function portal(objects: readonly KubeObject[]): Container {
  const container = deploymentSpec(objects).template.spec.containers[0];
  if (!container) throw new Error('raydeck Deployment has no container');
  return container;
}

/** The RAYDECK_* settings the portal's ConfigMap provides. */
function settings(objects: readonly KubeObject[]): Record<string, string> {
  const name = portal(objects).envFrom?.find((source) => source.configMapRef)?.configMapRef?.name;
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  return (configMap?.['data'] as Record<string, string> | undefined) ?? {};
}

const packageVersion = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

describe('Raydeck install', () => {
  describe.each(['homelab', 'production'])('%s overlay', (overlay) => {
    const objects = (): KubeObject[] => buildOverlay(`raydeck/overlays/${overlay}`);

    it(
      'runs `raydeck serve` as a non-root user, listening on all interfaces at 8080',
      () => {
        const container = portal(objects());
        expect(container.args).toEqual(['serve']);
        expect(container.image).toMatch(
          new RegExp(`raydeck:${packageVersion.replace(/\./g, '\\.')}$`),
        );
        const pod = deploymentSpec(objects()).template.spec;
        expect(pod.securityContext.runAsNonRoot).toBe(true);
        expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
        expect(pod.serviceAccountName).toBe('raydeck');
        expect(settings(objects())).toMatchObject({
          RAYDECK_HOST: '0.0.0.0',
          RAYDECK_PORT: '8080',
        });
      },
      buildTimeout,
    );

    it('probes liveness at /healthz and readiness at /readyz', () => {
      const container = portal(objects());
      expect(container.startupProbe?.httpGet.path).toBe('/healthz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    });

    it('gives the read-only root filesystem a writable /tmp', () => {
      const container = portal(objects());
      expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(container.volumeMounts?.map((mount) => mount.mountPath)).toContain('/tmp');
    });

    it('takes secret settings from the raydeck-secrets Secret, never from the kit', () => {
      expect(objects().filter((object) => object.kind === 'Secret')).toEqual([]);
      expect(portal(objects()).envFrom).toContainEqual({
        secretRef: { name: 'raydeck-secrets', optional: true },
      });
    });

    it('limits network traffic to the portal port, DNS, the API and Ray dashboards', () => {
      const policy = findObject(objects(), 'NetworkPolicy', 'raydeck')['spec'] as {
        policyTypes: string[];
        ingress: { ports: { port: number }[] }[];
        egress: { ports: { port: number }[] }[];
      };
      expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(policy.ingress.flatMap((rule) => rule.ports.map((p) => p.port))).toEqual([8080]);
      const egressPorts = new Set(policy.egress.flatMap((rule) => rule.ports.map((p) => p.port)));
      expect([...egressPorts].sort((a, b) => a - b)).toEqual([53, 443, 6443, 8265]);
    });
  });

  it(
    'homelab: one replica on SQLite in a PVC, replaced with Recreate, on NodePort 30080',
    () => {
      const objects = buildOverlay('raydeck/overlays/homelab');
      const spec = deploymentSpec(objects);
      expect(spec.replicas).toBe(1);
      expect(spec.strategy?.type).toBe('Recreate');
      const pvc = findObject(objects, 'PersistentVolumeClaim', 'raydeck-data');
      expect((pvc['spec'] as { accessModes: string[] }).accessModes).toEqual(['ReadWriteOnce']);
      expect(spec.template.spec.volumes).toContainEqual({
        name: 'data',
        persistentVolumeClaim: { claimName: 'raydeck-data' },
      });
      const dataDir = settings(objects)['RAYDECK_DATA_DIR'];
      expect(portal(objects).volumeMounts).toContainEqual({ name: 'data', mountPath: dataDir });
      const service = findObject(objects, 'Service', 'raydeck')['spec'] as {
        type: string;
        ports: { nodePort: number; targetPort: string }[];
      };
      expect(service.type).toBe('NodePort');
      expect(service.ports).toMatchObject([{ nodePort: 30080, targetPort: 'http' }]);
      expect(objects.filter((object) => object.kind === 'Ingress')).toEqual([]);
    },
    buildTimeout,
  );

  it(
    'production: one replica on SQLite in a PVC (no shared database yet) behind a TLS Ingress',
    () => {
      const objects = buildOverlay('raydeck/overlays/production');
      const spec = deploymentSpec(objects);
      expect(spec.replicas).toBe(1);
      expect(spec.strategy?.type).toBe('Recreate');
      const dataDir = settings(objects)['RAYDECK_DATA_DIR'];
      expect(portal(objects).volumeMounts).toContainEqual({ name: 'data', mountPath: dataDir });
      expect(spec.template.spec.volumes).toContainEqual({
        name: 'data',
        persistentVolumeClaim: { claimName: 'raydeck-data' },
      });
      // RAYDECK_DATABASE_URL is read by nothing yet: the kit must not promise it.
      expect(JSON.stringify(objects)).not.toContain('RAYDECK_DATABASE_URL');
      const resources = portal(objects).resources;
      expect(resources.requests).toMatchObject({ cpu: '500m', memory: '512Mi' });
      expect(resources.limits).toMatchObject({ memory: '1Gi' });

      const ingress = findObject(objects, 'Ingress', 'raydeck')['spec'] as {
        tls: { hosts: string[]; secretName: string }[];
        rules: { host: string; http: { paths: { backend: { service: { name: string } } }[] } }[];
      };
      expect(ingress.tls[0]?.hosts).toEqual([ingress.rules[0]?.host]);
      expect(ingress.rules[0]?.http.paths[0]?.backend.service.name).toBe('raydeck');
      // With one replica, a budget that keeps one available would block every node drain.
      const budget = findObject(objects, 'PodDisruptionBudget', 'raydeck')['spec'];
      expect(budget).toMatchObject({ maxUnavailable: 1 });
      expect(budget).not.toHaveProperty('minAvailable');
    },
    buildTimeout,
  );

  it(
    'has least-privilege RBAC: Ray objects, read-only pods/events/nodes, templates, service proxy',
    () => {
      const objects = buildOverlay('raydeck/overlays/homelab');
      const clusterWide = expandRules(rulesOf(findObject(objects, 'ClusterRole', 'raydeck')));
      const summary = (rules: ReturnType<typeof expandRules>): string[] =>
        [...new Set(rules.map((p) => `${p.apiGroup || 'core'}/${p.resource}:${p.verb}`))].sort();
      const crud = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
      const expected = [
        ...['rayclusters', 'rayjobs', 'rayservices'].flatMap((r) =>
          crud.map((v) => `ray.io/${r}:${v}`),
        ),
        ...['rayclusters', 'rayjobs', 'rayservices'].map((r) => `ray.io/${r}/status:get`),
        ...['pods', 'events', 'nodes'].flatMap((r) =>
          ['get', 'list', 'watch'].map((v) => `core/${r}:${v}`),
        ),
        ...['get', 'list', 'watch'].map((v) => `events.k8s.io/events:${v}`),
        ...['create', 'delete', 'get', 'patch', 'update'].map((v) => `core/services/proxy:${v}`),
      ].sort();
      expect(summary(clusterWide)).toEqual(expected);

      // ConfigMaps (templates) only through a RoleBinding in Raydeck's own namespace.
      const templates = objects.filter(
        (o) =>
          (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') &&
          (o['roleRef'] as { name: string }).name === 'raydeck-templates',
      );
      expect(templates.map((binding) => [binding.kind, binding.metadata.namespace])).toEqual([
        ['RoleBinding', 'raydeck'],
      ]);
      const templateRules: PolicyRule[] = rulesOf(
        findObject(objects, 'ClusterRole', 'raydeck-templates'),
      );
      expect(
        summary(expandRules(templateRules)).every((p) => p.startsWith('core/configmaps:')),
      ).toBe(true);
    },
    buildTimeout,
  );
});
