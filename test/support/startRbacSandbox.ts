import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { SandboxApiServerOptions } from '../../src/sandbox/apiserver/createSandboxApiServer.ts';
import { writeSandboxKubeconfig } from '../../src/sandbox/kubeconfigFile.ts';
import {
  type SandboxRequest,
  sandboxRequester,
  startTestSandbox,
  type TestSandbox,
} from './startTestSandbox.ts';
import { startWorldTestSandbox, type WorldTestSandboxOptions } from './startWorldTestSandbox.ts';

/** A ServiceAccount's bearer token, with a kubeconfig and a JSON client that send it. */
export interface ServiceAccountCredentials {
  namespace: string;
  name: string;
  /** `system:serviceaccount:{namespace}:{name}`. */
  username: string;
  token: string;
  /** A kubeconfig (mode 0600) whose user is the token; for client-node (the portal). */
  kubeconfig: string;
  request: SandboxRequest;
}

/** A sandbox that authorizes every request with RBAC, as a real cluster does. */
export interface RbacTestSandbox extends TestSandbox {
  /** The admin token (`sandbox-admin`, group `system:masters`) that `request` and `kubeconfig` use. */
  adminToken: string;
  /**
   * Creates namespace and ServiceAccount if missing and mints a token for it with the
   * TokenRequest API (what `kubectl create token` does). Default lifetime: 3600 s, by the
   * sandbox's clock (`options.now` of {@link startRbacSandbox}).
   */
  serviceAccount: (
    namespace: string,
    name: string,
    options?: { expirationSeconds?: number },
  ) => Promise<ServiceAccountCredentials>;
  /**
   * Creates (or replaces) objects of any served kind as the admin, e.g. a deploy kit's
   * ServiceAccount, Roles and bindings; namespaced objects without a namespace go to `default`.
   */
  apply: (objects: readonly object[]) => Promise<void>;
}

/** Options of {@link startRbacSandbox}: the API server's, and optionally a simulated world. */
export type RbacSandboxOptions = Omit<SandboxApiServerOptions, 'rbac' | 'token'> & {
  /**
   * Run the simulated world too (nodes, scheduler, kubelet, KubeRay), so RayClusters become
   * Ready; the world's clock then drives token lifetimes, and API server options other than
   * `tls` are not used. Default: a bare API server.
   */
  world?: Pick<WorldTestSandboxOptions, 'speed' | 'world'>;
};

/**
 * Starts a sandbox with `rbac` on and a random admin token, so that tests run a client (the
 * portal, as the deploy kit's ServiceAccount) with exactly the permissions it is granted:
 * every request without a valid token gets 401, and every request outside the granted RBAC
 * rules the 403 of a real API server. Close it in `afterAll`.
 *
 * kubectl never sends a bearer token to a plain-HTTP server: for kubectl, pass `tls: true`
 * (HTTPS with a self-signed certificate; the kubeconfigs skip verification), or start
 * `startTestSandbox({ rbac: true })` (no admin token) and act as others with `kubectl --as`.
 */
export async function startRbacSandbox(options: RbacSandboxOptions = {}): Promise<RbacTestSandbox> {
  const adminToken = randomBytes(16).toString('hex');
  const { world, ...apiServerOptions } = options;
  const sandbox = world
    ? await startWorldTestSandbox({
        ...world,
        rbac: true,
        token: adminToken,
        ...(options.tls ? { tls: true } : {}),
      })
    : await startTestSandbox({ ...apiServerOptions, rbac: true, token: adminToken });
  const ensure = async (path: string, body: object): Promise<void> => {
    const created = await sandbox.request('POST', path, body);
    if (created.status !== 201 && created.status !== 409) {
      throw new Error(`POST ${path}: ${created.status} ${JSON.stringify(created.body)}`);
    }
  };
  const apply = async (objects: readonly object[]): Promise<void> => {
    for (const object of objects as {
      apiVersion?: string;
      kind?: string;
      metadata?: { name?: string; namespace?: string };
    }[]) {
      // Any served kind; without apiVersion, the first served type of that kind.
      const registry = sandbox.apiServer.registry;
      const type = object.apiVersion
        ? registry.lookupKind(object.apiVersion, object.kind ?? '')
        : registry.all().find((candidate) => candidate.kind === object.kind);
      if (!type) throw new Error(`startRbacSandbox.apply: ${object.kind} is not served`);
      const groupPath = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
      const namespacePath = type.namespaced
        ? `/namespaces/${object.metadata?.namespace ?? 'default'}`
        : '';
      const collection = `${groupPath}${namespacePath}/${type.plural}`;
      const name = object.metadata?.name ?? '';
      const existing = await sandbox.request('GET', `${collection}/${name}`);
      const written =
        existing.status === 200
          ? await sandbox.request('PUT', `${collection}/${name}`, {
              ...object,
              metadata: {
                ...object.metadata,
                resourceVersion: (existing.body as { metadata: { resourceVersion: string } })
                  .metadata.resourceVersion,
              },
            })
          : await sandbox.request('POST', collection, object);
      if (written.status >= 300) {
        throw new Error(
          `${object.kind} ${name}: ${written.status} ${JSON.stringify(written.body)}`,
        );
      }
    }
  };
  return {
    ...sandbox,
    adminToken,
    apply,
    serviceAccount: async (namespace, name, tokenOptions = {}) => {
      await ensure('/api/v1/namespaces', { metadata: { name: namespace } });
      await ensure(`/api/v1/namespaces/${namespace}/serviceaccounts`, { metadata: { name } });
      const minted = await sandbox.request(
        'POST',
        `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
        {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { ...tokenOptions },
        },
      );
      if (minted.status !== 201) {
        throw new Error(`TokenRequest ${namespace}/${name}: ${JSON.stringify(minted.body)}`);
      }
      const token = (minted.body as { status: { token: string } }).status.token;
      const kubeconfig = join(
        mkdtempSync(join(tmpdir(), 'raydeck-sandbox-sa-')),
        `${namespace}-${name}.kubeconfig`,
      );
      writeSandboxKubeconfig(kubeconfig, sandbox.url, token);
      return {
        namespace,
        name,
        username: `system:serviceaccount:${namespace}:${name}`,
        token,
        kubeconfig,
        request: sandboxRequester(sandbox.url, token),
      };
    },
  };
}
