import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ApiClient } from '../../src/shared/client/apiClient.ts';
import { h100TemplateInput } from '../support/h100TemplateInput.ts';
import { eventually, startTestPortal, type TestPortal } from '../support/startTestPortal.ts';

/**
 * The authorization matrix, generated from the OpenAPI document: every documented operation,
 * tried as anonymous, a viewer of team-a, a member of team-b, a member of team-a and an admin,
 * against team-a's objects. Each operation has one access rule below; an operation the
 * document lists without a rule fails the test, so a new route cannot ship unclassified.
 * Denied calls carry valid bodies, so they reach the authorization check rather than schema
 * validation; afterwards nothing they aimed at has changed.
 */
type Access =
  /** Anyone, signed in or not. */
  | 'public'
  /** Any signed-in user; the answer is filtered to what they may see. */
  | 'signedIn'
  /** Read access to team-a (its members, viewers and admins). */
  | 'teamRead'
  /** Write access to team-a (its members and admins). */
  | 'teamWrite'
  /** Admins only. */
  | 'admin';

type Role = 'anonymous' | 'viewerA' | 'memberB' | 'memberA' | 'admin';

const allowedRoles: Record<Access, readonly Role[]> = {
  public: ['anonymous', 'viewerA', 'memberB', 'memberA', 'admin'],
  signedIn: ['viewerA', 'memberB', 'memberA', 'admin'],
  teamRead: ['viewerA', 'memberA', 'admin'],
  teamWrite: ['memberA', 'admin'],
  admin: ['admin'],
};

/** What to send for one operation: its access rule, and a concrete path and valid body. */
interface OperationCase {
  access: Access;
  path?: string;
  body?: unknown;
  /**
   * Allowed callers are forwarded upstream (the dashboard proxy): their read passes when the
   * answer is not one of the portal's own errors, whatever the upstream says (this sandbox runs
   * no operator, so the cluster has no head service and Kubernetes answers 404).
   */
  forwarded?: true;
}

/** A valid Serve config (the serve_hello sample's app). */
const matrixServeConfig =
  'applications:\n  - name: hello\n    import_path: serve_hello:app_builder\n    route_prefix: /hello\n';

let portal: TestPortal;
/** Each role's API token (anonymous has none). */
let tokens: Record<Role, string | undefined>;
let memberAId = '';
let adminTokenId = '';
/** Path of team-a's job j1 (a RayJob), `/api/v1/jobs/team-a/<id>`. */
let jobPath = '';

/** The rule and inputs of every documented operation, keyed `METHOD path-template`. */
function operationCases(): Record<string, OperationCase> {
  const intruder = { name: 'intruder', team: 'team-a', template: 'cpu-small' };
  const serviceIntruder = { ...intruder, serveConfigV2: matrixServeConfig };
  return {
    'GET /healthz': { access: 'public' },
    'GET /readyz': { access: 'public' },
    'GET /api/v1/version': { access: 'public' },
    'GET /metrics': { access: 'public' },
    'POST /api/v1/auth/login': {
      access: 'public',
      body: { username: 'nobody', password: 'not-the-password' },
    },
    'GET /api/v1/auth/methods': { access: 'public' },
    'POST /api/v1/auth/logout': { access: 'signedIn' },
    'GET /api/v1/auth/me': { access: 'signedIn' },
    'POST /api/v1/auth/password': {
      access: 'signedIn',
      body: { currentPassword: 'wrong-password-1', password: 'another-long-passphrase-9' },
    },
    'GET /api/v1/admin/users': { access: 'admin' },
    'POST /api/v1/admin/users': {
      access: 'admin',
      body: { username: 'mallory', password: 'mallory-long-passphrase-1', role: 'admin' },
    },
    'PATCH /api/v1/admin/users/{id}': {
      access: 'admin',
      path: `/api/v1/admin/users/${memberAId}`,
      body: { role: 'admin' },
    },
    'DELETE /api/v1/admin/users/{id}': {
      access: 'admin',
      path: `/api/v1/admin/users/${memberAId}`,
    },
    'GET /api/v1/admin/teams': { access: 'admin' },
    'POST /api/v1/admin/teams': { access: 'admin', body: { name: 'team-z' } },
    'DELETE /api/v1/admin/teams/{name}': { access: 'admin', path: '/api/v1/admin/teams/team-a' },
    'PUT /api/v1/admin/teams/{name}/members': {
      access: 'admin',
      path: '/api/v1/admin/teams/team-a/members',
      body: { members: ['memberb'] },
    },
    'GET /api/v1/tokens': { access: 'signedIn' },
    'POST /api/v1/tokens': { access: 'signedIn', body: { name: 'matrix' } },
    // Tokens are the caller's own: another user's token id is not found, even for an admin.
    'DELETE /api/v1/tokens/{id}': { access: 'admin', path: `/api/v1/tokens/${adminTokenId}` },
    'GET /api/v1/audit': { access: 'signedIn' },
    'GET /api/v1/clusters': { access: 'signedIn' },
    'POST /api/v1/clusters': { access: 'teamWrite', body: intruder },
    'POST /api/v1/clusters/preview': { access: 'teamWrite', body: intruder },
    'GET /api/v1/clusters/{team}/{name}': {
      access: 'teamRead',
      path: '/api/v1/clusters/team-a/a1',
    },
    'DELETE /api/v1/clusters/{team}/{name}': {
      access: 'teamWrite',
      path: '/api/v1/clusters/team-a/a1',
    },
    'POST /api/v1/clusters/{team}/{name}/scale': {
      access: 'teamWrite',
      path: '/api/v1/clusters/team-a/a1/scale',
      body: { group: 'workers', replicas: 0 },
    },
    'POST /api/v1/clusters/{team}/{name}/suspend': {
      access: 'teamWrite',
      path: '/api/v1/clusters/team-a/a1/suspend',
    },
    'POST /api/v1/clusters/{team}/{name}/resume': {
      access: 'teamWrite',
      path: '/api/v1/clusters/team-a/a1/resume',
    },
    'GET /api/v1/templates': { access: 'signedIn' },
    'POST /api/v1/templates': { access: 'admin', body: h100TemplateInput },
    'GET /api/v1/templates/availability': {
      access: 'teamRead',
      path: '/api/v1/templates/availability?team=team-a',
    },
    'PUT /api/v1/templates/{name}': {
      access: 'admin',
      path: '/api/v1/templates/cpu-small',
      body: { ...h100TemplateInput, name: 'cpu-small', maxWorkers: 1000 },
    },
    'DELETE /api/v1/templates/{name}': { access: 'admin', path: '/api/v1/templates/cpu-small' },
    'POST /api/v1/templates/{name}/retire': {
      access: 'admin',
      path: '/api/v1/templates/cpu-small/retire',
    },
    'POST /api/v1/templates/{name}/restore': {
      access: 'admin',
      path: '/api/v1/templates/cpu-small/restore',
    },
    // The dashboard proxy: documented once, as its GET (other methods: dashboardProxyRoutes.test).
    'GET /api/v1/clusters/{team}/{name}/dashboard/{*}': {
      access: 'teamRead',
      path: '/api/v1/clusters/team-a/a1/dashboard/api/version',
      forwarded: true,
    },
    'GET /api/v1/services': { access: 'signedIn' },
    'POST /api/v1/services': { access: 'teamWrite', body: serviceIntruder },
    'POST /api/v1/services/dry-run': { access: 'teamWrite', body: serviceIntruder },
    'GET /api/v1/services/{team}/{name}': {
      access: 'teamRead',
      path: '/api/v1/services/team-a/s1',
    },
    'PUT /api/v1/services/{team}/{name}': {
      access: 'teamWrite',
      path: '/api/v1/services/team-a/s1',
      body: { serveConfigV2: serviceIntruder.serveConfigV2.replace('/hello', '/pwned') },
    },
    'POST /api/v1/services/{team}/{name}/plan': {
      access: 'teamWrite',
      path: '/api/v1/services/team-a/s1/plan',
      body: { serveConfigV2: serviceIntruder.serveConfigV2 },
    },
    'DELETE /api/v1/services/{team}/{name}': {
      access: 'teamWrite',
      path: '/api/v1/services/team-a/s1',
    },
    // Only the service's own team may send it requests (viewers may not).
    'POST /api/v1/services/{team}/{name}/request': {
      access: 'teamWrite',
      path: '/api/v1/services/team-a/s1/request',
      body: { method: 'GET', path: '/hello' },
    },
    'PUT /api/v1/clusters/{team}/{name}/serve/applications': {
      access: 'teamWrite',
      path: '/api/v1/clusters/team-a/a1/serve/applications',
      body: { serveConfig: serviceIntruder.serveConfigV2 },
    },
    'DELETE /api/v1/clusters/{team}/{name}/serve/applications': {
      access: 'teamWrite',
      path: '/api/v1/clusters/team-a/a1/serve/applications',
    },
    'GET /api/v1/gpus': { access: 'signedIn' },
    'GET /api/v1/jobs': { access: 'signedIn' },
    'GET /api/v1/jobs/{team}/{id}': { access: 'teamRead', path: jobPath },
    'POST /api/v1/jobs/submissions': {
      access: 'teamWrite',
      body: { team: 'team-a', cluster: 'a1', entrypoint: 'echo pwned' },
    },
    'POST /api/v1/jobs/rayjobs': {
      access: 'teamWrite',
      body: {
        team: 'team-a',
        name: 'intruder',
        cluster: { template: 'cpu-small' },
        entrypoint: 'echo pwned',
      },
    },
    'POST /api/v1/jobs/catalog': {
      access: 'teamWrite',
      body: { team: 'team-a', catalogId: 'pi-tasks', cluster: 'a1' },
    },
    'POST /api/v1/clusters/{team}/{name}/packages': {
      access: 'teamWrite',
      path: '/api/v1/clusters/team-a/a1/packages',
      body: {},
    },
    'POST /api/v1/jobs/{team}/{id}/stop': { access: 'teamWrite', path: `${jobPath}/stop` },
    'DELETE /api/v1/jobs/{team}/{id}': { access: 'teamWrite', path: jobPath },
    'GET /api/v1/jobs/{team}/{id}/resubmit': { access: 'teamRead', path: `${jobPath}/resubmit` },
    'GET /api/v1/jobs/{team}/{id}/log': { access: 'teamRead', path: `${jobPath}/log` },
    'GET /api/v1/jobs/{team}/{id}/log.txt': { access: 'teamRead', path: `${jobPath}/log.txt` },
    'GET /api/v1/jobs/{team}/{id}/stream': { access: 'teamRead', path: `${jobPath}/stream` },
    'GET /api/v1/catalog': { access: 'signedIn' },
    'POST /api/v1/catalog': {
      access: 'admin',
      body: {
        id: 'intruder',
        title: 'Intruder',
        summary: '',
        entrypoint: 'echo pwned',
        resources: { cpus: 0, gpus: 0 },
        timeoutSeconds: 60,
        rayExtras: [],
      },
    },
    'DELETE /api/v1/catalog/{id}': { access: 'admin', path: '/api/v1/catalog/pi-tasks' },
    'GET /api/v1/teams/{name}/quota': { access: 'teamRead', path: '/api/v1/teams/team-a/quota' },
    'PUT /api/v1/admin/teams/{name}/quota': {
      access: 'admin',
      path: '/api/v1/admin/teams/team-a/quota',
      body: { gpus: 4 },
    },
    // Usage answers only the caller's teams (admins: all); another team is 403 (usageRoutes.test).
    'GET /api/v1/usage': { access: 'signedIn' },
    'GET /api/v1/usage.csv': { access: 'signedIn' },
    'GET /api/v1/stream': { access: 'signedIn' },
    'GET /api/v1/about': { access: 'signedIn' },
  };
}

/** The status of one call with `token` (none: anonymous); the body is not read. */
async function statusOf(token: string | undefined, method: string, path: string, body: unknown) {
  const abort = new AbortController();
  const response = await fetch(`${portal.url}${path}`, {
    method,
    signal: abort.signal,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  abort.abort(); // the SSE stream never ends by itself
  return response.status;
}

/** The portal's own error (`ApiErrorBody`, which always has a `requestId`) for a GET, if any. */
async function portalErrorOf(token: string | undefined, path: string): Promise<string | undefined> {
  const response = await fetch(`${portal.url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await response.text();
  return text.includes('"requestId"') ? `${response.status} ${text}` : undefined;
}

beforeAll(async () => {
  portal = await startTestPortal();
  const viewerA = await portal.addUser('viewera', 'viewer', ['team-a']);
  const memberB = await portal.addUser('memberb', 'member', ['team-b']);
  const memberA = await portal.addUser('membera', 'member', ['team-a']);
  const tokenOf = async (client: ApiClient) => (await client.createToken({ name: 'matrix' })).token;
  tokens = {
    anonymous: undefined,
    viewerA: await tokenOf(viewerA),
    memberB: await tokenOf(memberB),
    memberA: await tokenOf(memberA),
    admin: await tokenOf(portal.admin),
  };
  const users = await portal.admin.listUsers();
  memberAId = users.items.find((user) => user.username === 'membera')?.id ?? '';
  adminTokenId = (await portal.admin.listTokens()).items[0]?.id ?? '';
  await portal.admin.createCluster({ name: 'a1', team: 'team-a', template: 'cpu-small' });
  await eventually(() => portal.cache.get('RayCluster', 'team-a', 'a1') !== undefined, 'a1 cached');
  const job = await portal.admin.submitRayJob({
    team: 'team-a',
    name: 'j1',
    cluster: { template: 'cpu-small' },
    entrypoint: 'python x.py',
  });
  jobPath = `/api/v1/jobs/team-a/${job.summary.id}`;
  await portal.admin.createService({
    name: 's1',
    team: 'team-a',
    template: 'cpu-small',
    serveConfigV2: matrixServeConfig,
  });
  await eventually(() => portal.cache.get('RayService', 'team-a', 's1') !== undefined, 's1 cached');
}, 120_000);
afterAll(() => portal.close());

describe('authorization matrix from the OpenAPI document', () => {
  it('classifies every documented operation and refuses every role it does not allow', async () => {
    const document = await portal.admin.request<{
      paths: Record<string, Record<string, unknown>>;
    }>('/api/openapi.json');
    const cases = operationCases();
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter((operation) => !(operation in cases))).toEqual([]);

    const misses: string[] = [];
    for (const operation of documented) {
      const rule = cases[operation];
      if (!rule) continue;
      const [method = 'GET', template = ''] = operation.split(' ');
      const path = rule.path ?? template;
      for (const role of Object.keys(tokens) as Role[]) {
        if (allowedRoles[rule.access].includes(role)) continue;
        const status = await statusOf(tokens[role], method, path, rule.body);
        const expected = role === 'anonymous' ? [401] : [403, 404];
        if (!expected.includes(status)) misses.push(`${role} ${operation} → ${status}`);
      }
    }
    expect(misses).toEqual([]);
  }, 120_000);

  it('lets every allowed role read', async () => {
    const misses: string[] = [];
    for (const [operation, rule] of Object.entries(operationCases())) {
      const [method = 'GET', template = ''] = operation.split(' ');
      if (method !== 'GET') continue;
      for (const role of allowedRoles[rule.access]) {
        const path = rule.path ?? template;
        if (rule.forwarded) {
          const answer = await portalErrorOf(tokens[role], path);
          if (answer) misses.push(`${role} ${operation} → the portal answered ${answer}`);
          continue;
        }
        const status = await statusOf(tokens[role], method, path, undefined);
        if (status !== 200) misses.push(`${role} ${operation} → ${status}`);
      }
    }
    expect(misses).toEqual([]);
    // One GET per operation and allowed role: dozens of calls on a shared 2-core machine.
  }, 60_000);

  it('left everything the refused calls aimed at as it was', async () => {
    expect(portal.cache.get('RayCluster', 'team-a', 'intruder')).toBeUndefined();
    expect(portal.cache.get('RayService', 'team-a', 'intruder')).toBeUndefined();
    expect(portal.cache.get('RayService', 'team-a', 's1')?.spec.serveConfigV2).toBe(
      matrixServeConfig,
    );
    expect((await portal.admin.getCluster('team-a', 'a1')).summary.phase).not.toBe('Suspended');
    const users = await portal.admin.listUsers();
    expect(users.items.map((user) => user.username)).not.toContain('mallory');
    expect(users.items.find((user) => user.username === 'membera')?.role).toBe('member');
    const teams = await portal.admin.listTeams();
    expect(teams.items.find((team) => team.name === 'team-a')?.members).toEqual(
      expect.arrayContaining(['viewera', 'membera']),
    );
    expect(teams.items.map((team) => team.name)).not.toContain('team-z');
    const template = (await portal.admin.listTemplates()).items.find(
      (candidate) => candidate.name === 'cpu-small',
    );
    expect(template?.maxWorkers).not.toBe(1000);
    expect((await portal.admin.listTokens()).items.map((token) => token.id)).toContain(
      adminTokenId,
    );
  });
});
