import type { ApiClient } from '../../src/shared/client/apiClient.ts';
import { type PortalTestMode, portalTestMode } from './portalTestMode.ts';
import { portalUserClients } from './portalUserClients.ts';
import { startDeployedPortal } from './startDeployedPortal.ts';
import { startTestPortal } from './startTestPortal.ts';
import type { SandboxRequest } from './startTestSandbox.ts';

/** What a suite shared by both modes may use of the portal and its cluster. */
export interface PortalUnderTest {
  mode: PortalTestMode;
  url: string;
  admin: ApiClient;
  /** Creates a user (as admin), optionally a member of teams; returns their client. */
  addUser: (
    username: string,
    role: 'admin' | 'member' | 'viewer',
    teams: string[],
  ) => Promise<ApiClient>;
  /** The cluster: its URL, and its admin as kubectl would act (e.g. a RayCluster by hand). */
  sandbox: { url: string; request: SandboxRequest };
  close: () => Promise<void>;
}

/**
 * Starts the portal in the mode of this run ({@link portalTestMode}): in-process over its own
 * bare sandbox, or as deployed by the homelab overlay (`raydeck serve` from source, in-cluster,
 * with the kit's RBAC, over the simulated world at 8×). Either way with teams team-a and team-b
 * and the starter templates. Close it in `afterAll`.
 */
export async function startPortalUnderTest(
  mode: PortalTestMode = portalTestMode(),
): Promise<PortalUnderTest> {
  if (mode === 'embedded') {
    const portal = await startTestPortal();
    return { mode, ...portal };
  }
  const portal = await startDeployedPortal({ overlay: 'homelab', entry: 'source' });
  const clients = await portalUserClients(portal.url, portal.adminPassword);
  return {
    mode,
    url: portal.url,
    admin: clients.admin,
    addUser: clients.addUser,
    sandbox: portal.sandbox,
    close: portal.stop,
  };
}
