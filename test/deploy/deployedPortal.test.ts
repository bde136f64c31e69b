/**
 * The portal as the kit deploys it: each overlay rendered and applied to a sandbox enforcing
 * RBAC over HTTPS, `raydeck serve` started with the pod's environment and mounted ServiceAccount
 * folder only. It must find the cluster by itself (in-cluster), not start its own sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { nodeRuntimeEnv } from '../support/nodeRuntimeEnv.ts';
import { portalUserClients } from '../support/portalUserClients.ts';
import {
  type DeployedPortal,
  type KitOverlay,
  startDeployedPortal,
} from '../support/startDeployedPortal.ts';
import { buildOverlay } from './buildOverlay.ts';

describe.each<KitOverlay>(['homelab', 'production'])(
  'the %s overlay, run as deployed',
  (overlay) => {
    let portal: DeployedPortal;
    beforeAll(async () => {
      // No world: the connection is under test here, not the simulation.
      portal = await startDeployedPortal({ overlay, world: false });
    }, 120_000);
    afterAll(() => portal?.stop());

    it('gets the environment of the pod only: ConfigMap, Secret, kubelet variables, no kubeconfig', () => {
      const configMap = buildOverlay(`raydeck/overlays/${overlay}`).find(
        (object) =>
          object.kind === 'ConfigMap' && object.metadata.name.startsWith('raydeck-config'),
      );
      const fromKit = (configMap?.['data'] ?? {}) as Record<string, string>;
      expect(Object.keys(fromKit).sort()).toEqual(
        expect.arrayContaining(['RAYDECK_DATA_DIR', 'RAYDECK_HOST', 'RAYDECK_PORT']),
      );
      // Every setting of the kit reaches the process, but the three a test machine must change.
      const changed = new Set(['RAYDECK_DATA_DIR', 'RAYDECK_HOST', 'RAYDECK_PORT']);
      for (const [name, value] of Object.entries(fromKit)) {
        if (!changed.has(name)) expect(portal.env[name], name).toBe(value);
      }
      expect(Object.keys(portal.env).sort()).toEqual(
        [
          ...new Set([
            ...Object.keys(fromKit),
            'KUBERNETES_SERVICE_HOST',
            'KUBERNETES_SERVICE_PORT',
            'NODE_ENV',
            'RAYDECK_ADMIN_PASSWORD',
            'RAYDECK_SERVICE_ACCOUNT_DIR',
            ...(process.env['PATH'] ? ['PATH'] : []),
            // Only on the image-Node stage of `npm test`: what lets that Node open SQLite.
            ...Object.keys(nodeRuntimeEnv()),
          ]),
        ].sort(),
      );
      expect(portal.env['KUBECONFIG']).toBeUndefined();
    });

    it('says at startup that it reaches the cluster in-cluster over HTTPS, not an embedded sandbox', () => {
      const server = `https://127.0.0.1:${portal.env['KUBERNETES_SERVICE_PORT']}`;
      expect(portal.startupLine).toContain(`(cluster: in-cluster ${server})`);
      expect(portal.output()).not.toMatch(/embedded sandbox/i);
    });

    it('reports the in-cluster connection with the server URL on /api/v1/about, synced', async () => {
      const { admin } = await portalUserClients(portal.url, portal.adminPassword);
      const about = await admin.about();
      expect(about.connection).toEqual({
        source: 'in-cluster',
        server: `https://127.0.0.1:${portal.env['KUBERNETES_SERVICE_PORT']}`,
        context: 'in-cluster',
        sandbox: false,
      });
      expect(about.informers.filter((informer) => !informer.synced || informer.lastError)).toEqual(
        [],
      );
    });
  },
);
