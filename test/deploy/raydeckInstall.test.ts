import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { type KubePermission, kubePermissions } from '../../src/server/k8s/kubeKinds.ts';
import { serverSettings } from '../../src/server/serverConfig.ts';
import { buildOverlay, findObject, type KubeObject, repoRoot } from './buildOverlay.ts';
import {
  documentedExtras,
  expandRules,
  missingPermissions,
  type Permission,
  type PolicyRule,
  portalRules,
} from './rbacRules.ts';

/** RAYDECK_TEMPLATES_NAMESPACE when the kit does not set it. */
const defaultTemplatesNamespace = serverSettings
  .find((setting) => setting.key === 'templatesNamespace')
  ?.defaultValue();

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
      // On SQLite: the overlay must not also point the store at a database.
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

  it.each(['homelab', 'production'])(
    '%s: RBAC grants every permission of the kind registry, and nothing beyond it but documented extras',
    (overlay) => {
      const objects = buildOverlay(`raydeck/overlays/${overlay}`);
      const { clusterWide, templatesNamespace, namespaceRules } = portalRules(objects);
      expect(templatesNamespace).toBe(
        settings(objects)['RAYDECK_TEMPLATES_NAMESPACE'] ?? defaultTemplatesNamespace,
      );
      const needed = kubePermissions();
      const asRule = (permission: KubePermission): PolicyRule => ({
        apiGroups: [permission.group],
        resources: [permission.resource],
        verbs: [permission.verb],
      });
      // Everything the portal does is granted: cluster-wide, or in the templates namespace.
      expect(
        missingPermissions(clusterWide, needed.filter((p) => p.scope === 'cluster').map(asRule)),
      ).toEqual([]);
      expect(
        missingPermissions(
          [...clusterWide, ...namespaceRules],
          needed.filter((p) => p.scope === 'templates-namespace').map(asRule),
        ),
      ).toEqual([]);

      // And nothing more: every single grant is a registry permission of the same scope, or one
      // of the documented extras (wildcards and resource names count as beyond).
      const same = (grant: Permission, wanted: Permission) =>
        grant.resourceName === undefined &&
        grant.apiGroup === wanted.apiGroup &&
        grant.resource === wanted.resource &&
        grant.verb === wanted.verb;
      const asPermission = (p: KubePermission): Permission => ({
        apiGroup: p.group,
        resource: p.resource,
        verb: p.verb,
      });
      const allowedClusterWide = [
        ...needed.filter((p) => p.scope === 'cluster').map(asPermission),
        ...documentedExtras,
      ];
      const allowedInNamespace = needed.map(asPermission);
      const describeGrant = (p: Permission) => `${p.verb} ${p.apiGroup || 'core'}/${p.resource}`;
      expect(
        expandRules(clusterWide)
          .filter((grant) => !allowedClusterWide.some((wanted) => same(grant, wanted)))
          .map(describeGrant),
      ).toEqual([]);
      expect(
        expandRules(namespaceRules)
          .filter((grant) => !allowedInNamespace.some((wanted) => same(grant, wanted)))
          .map(describeGrant),
      ).toEqual([]);
      // The extras are all used: a documented grant the kit dropped is removed from the list.
      expect(
        documentedExtras.filter(
          (extra) => !expandRules(clusterWide).some((grant) => same(grant, extra)),
        ),
      ).toEqual([]);
    },
    buildTimeout,
  );
});
