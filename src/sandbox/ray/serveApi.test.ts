import { afterEach, describe, expect, it } from 'vitest';

import {
  type RayHeadTestServer,
  startRayHeadTestServer,
  testCpuWorker,
  testGpuWorker,
  testHead,
} from '../../../test/support/startRayHeadTestServer.ts';

let server: RayHeadTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  options: Parameters<typeof startRayHeadTestServer>[0] = {},
): Promise<RayHeadTestServer> {
  server = await startRayHeadTestServer(options);
  return server;
}

interface Replica {
  node_id: string | null;
  node_ip: string | null;
  state: string;
  replica_id: string;
  actor_name: string;
}
interface Deployment {
  name: string;
  status: string;
  status_trigger: string;
  message: string;
  target_num_replicas: number;
  required_resources: Record<string, number>;
  deployment_config: Record<string, unknown>;
  replicas: Replica[];
}
interface Application {
  name: string;
  route_prefix: string | null;
  status: string;
  message: string;
  last_deployed_time_s: number;
  deployed_app_config: Record<string, unknown>;
  source: string;
  deployments: Record<string, Deployment>;
}
interface Details {
  applications: Record<string, Application>;
  proxies: Record<string, { node_ip: string; status: string }>;
  controller_info: Record<string, unknown>;
  proxy_location: string;
  http_options: Record<string, unknown>;
  deploy_mode: string;
}

const helloConfig = {
  applications: [
    {
      name: 'hello',
      import_path: 'serve_hello:app_builder',
      route_prefix: '/hello',
      deployments: [{ name: 'Hello', num_replicas: 2, ray_actor_options: { num_cpus: 0.5 } }],
    },
  ],
};

async function details(head: RayHeadTestServer, query = ''): Promise<Details> {
  const response = await head.request('GET', `/api/serve/applications/${query}`);
  expect(response.status, response.text).toBe(200);
  return response.json<Details>();
}

async function app(head: RayHeadTestServer, name: string): Promise<Application> {
  const found = (await details(head)).applications[name];
  if (!found) throw new Error(`no application ${name}`);
  return found;
}

describe('Serve applications', () => {
  it('reports no Serve instance before the first deploy, in Ray’s empty shape', async () => {
    const head = await start();
    const response = await head.request('GET', '/api/serve/applications/');
    expect(response.text).toBe(
      '{"deploy_mode": "MULTI_APP", "controller_info": {}, "proxies": {}, "applications": {}, "target_capacity": null}',
    );
  });

  it('deploys: NOT_STARTED, DEPLOYING at 1 s, deployments UPDATING at 3 s, RUNNING and HEALTHY at 5 s', async () => {
    const head = await start();
    const put = await head.request('PUT', '/api/serve/applications/', { body: helloConfig });
    expect([put.status, put.text]).toEqual([200, '']);
    let hello = await app(head, 'hello');
    expect(hello).toMatchObject({
      name: 'hello',
      route_prefix: '/hello',
      status: 'NOT_STARTED',
      message: '',
      last_deployed_time_s: Date.parse('2026-01-01T00:00:00Z') / 1000,
      deployed_app_config: helloConfig.applications[0],
      source: 'declarative',
      deployments: {},
    });
    head.clock.advance(1000);
    expect((await app(head, 'hello')).status).toBe('DEPLOYING');
    head.clock.advance(2000);
    hello = await app(head, 'hello');
    expect(hello.status).toBe('DEPLOYING');
    const updating = hello.deployments.Hello;
    expect(updating).toMatchObject({
      name: 'Hello',
      status: 'UPDATING',
      status_trigger: 'CONFIG_UPDATE_STARTED',
      target_num_replicas: 2,
      required_resources: { CPU: 0.5 },
    });
    expect(updating?.replicas.map((replica) => replica.state)).toEqual(['STARTING', 'STARTING']);
    expect(updating?.replicas[0]?.actor_name).toMatch(/^SERVE_REPLICA::hello#Hello#[a-z0-9]{8}$/);
    expect(updating?.deployment_config).toMatchObject({
      num_replicas: 2,
      ray_actor_options: { num_cpus: 0.5 },
    });
    head.clock.advance(1999);
    expect((await app(head, 'hello')).status).toBe('DEPLOYING');
    head.clock.advance(1);
    hello = await app(head, 'hello');
    expect(hello.status).toBe('RUNNING');
    expect(hello.deployments.Hello).toMatchObject({
      status: 'HEALTHY',
      status_trigger: 'CONFIG_UPDATE_COMPLETED',
    });
    expect(
      hello.deployments.Hello?.replicas.every(
        (replica) => replica.state === 'RUNNING' && replica.node_ip,
      ),
    ).toBe(true);
    const all = await details(head);
    expect(all).toMatchObject({
      deploy_mode: 'MULTI_APP',
      proxy_location: 'EveryNode',
      http_options: { host: '0.0.0.0', port: 8000, root_path: '' },
      controller_info: { actor_name: 'SERVE_CONTROLLER_ACTOR', node_ip: '10.244.0.5' },
    });
    expect(Object.values(all.proxies).map((proxy) => proxy.status)).toContain('HEALTHY');
    expect(head.simulation.serveApplications()).toEqual(all);
  });

  it('ends in DEPLOY_FAILED with an import error when the import path says fail or broken', async () => {
    const head = await start();
    await head.request('PUT', '/api/serve/applications/', {
      body: {
        applications: [{ name: 'bad', import_path: 'broken_module:app', route_prefix: '/bad' }],
      },
    });
    head.clock.advance(2999);
    expect((await app(head, 'bad')).status).toBe('DEPLOYING');
    head.clock.advance(1);
    const bad = await app(head, 'bad');
    expect(bad.status).toBe('DEPLOY_FAILED');
    expect(
      bad.message.startsWith(
        "Deploying app 'bad' failed with exception:\nTraceback (most recent call last):\n",
      ),
    ).toBe(true);
    expect(bad.message.trimEnd().split('\n').at(-1)).toBe(
      "ModuleNotFoundError: No module named 'broken_module'",
    );
    expect(bad.deployments).toEqual({});
  });

  it('filters by api_type and rejects an unknown one with 400', async () => {
    const head = await start();
    await head.request('PUT', '/api/serve/applications/', { body: helloConfig });
    expect(Object.keys((await details(head, '?api_type=declarative')).applications)).toEqual([
      'hello',
    ]);
    expect((await details(head, '?api_type=IMPERATIVE')).applications).toEqual({});
    const bad = await head.request('GET', '/api/serve/applications/?api_type=unknown');
    expect([bad.status, bad.text]).toEqual([
      400,
      "Invalid 'api_type' value: 'unknown'. Must be one of: imperative, declarative",
    ]);
  });

  it.each([
    [
      {},
      [
        '1 validation error for ServeDeploySchema',
        'applications',
        '  Field required [type=missing',
      ],
    ],
    [
      { applications: [{ name: 'x', import_path: 'nodot' }] },
      ['applications.0.import_path', '  Value error, Got invalid import path "nodot".'],
    ],
    [
      { applications: [{ name: 'x', import_path: 'a:b', route_prefix: 'x/' }] },
      [
        'applications.0.route_prefix',
        '  Value error, Got "x/" for route_prefix. Route prefix must start with "/".',
      ],
    ],
    [
      { applications: [{ name: 'x', import_path: 'a:b', deployments: [{ num_replicas: 0 }] }] },
      [
        '2 validation errors for ServeDeploySchema',
        'applications.0.deployments.0.name',
        'applications.0.deployments.0.num_replicas',
        '  Input should be greater than 0',
      ],
    ],
    [
      {
        applications: [
          { name: 'x', import_path: 'a:b' },
          { name: 'x', import_path: 'c:d', route_prefix: '/d' },
        ],
      },
      ['  Value error, Found multiple configs for application "x". Please remove all duplicates.'],
    ],
  ])('rejects the invalid config %j with 400 and pydantic’s text', async (body, fragments) => {
    const head = await start();
    const response = await head.request('PUT', '/api/serve/applications/', { body });
    expect(response.status).toBe(400);
    for (const fragment of fragments) expect(response.text).toContain(fragment);
    expect((await details(head)).applications).toEqual({});
  });

  it('leaves an unchanged app alone on a repeated PUT and deletes apps left out of the config', async () => {
    const head = await start();
    await head.request('PUT', '/api/serve/applications/', { body: helloConfig });
    head.clock.advance(10_000);
    await head.request('PUT', '/api/serve/applications/', { body: helloConfig });
    expect((await app(head, 'hello')).status).toBe('RUNNING');
    expect((await app(head, 'hello')).last_deployed_time_s).toBe(
      Date.parse('2026-01-01T00:00:00Z') / 1000,
    );
    const other = {
      applications: [{ name: 'other', import_path: 'pkg.app:graph', route_prefix: '/other' }],
    };
    await head.request('PUT', '/api/serve/applications/', { body: other });
    expect((await app(head, 'hello')).status).toBe('DELETING');
    head.clock.advance(1000);
    expect(Object.keys((await details(head)).applications)).toEqual(['other']);
    head.clock.advance(4000);
    expect((await app(head, 'other')).deployments.graph?.status).toBe('HEALTHY');
  });

  it('redeploys a changed app: DEPLOYING with a new deploy time, then RUNNING with the new replicas', async () => {
    const head = await start();
    await head.request('PUT', '/api/serve/applications/', { body: helloConfig });
    head.clock.advance(10_000);
    const changed = structuredClone(helloConfig);
    const deployment = changed.applications[0]?.deployments[0];
    if (deployment) deployment.num_replicas = 3;
    await head.request('PUT', '/api/serve/applications/', { body: changed });
    const redeploying = await app(head, 'hello');
    expect(redeploying.status).toBe('DEPLOYING');
    expect(redeploying.last_deployed_time_s).toBe(Date.parse('2026-01-01T00:00:10Z') / 1000);
    head.clock.advance(5000);
    const hello = await app(head, 'hello');
    expect(hello.status).toBe('RUNNING');
    expect(hello.deployments.Hello?.replicas).toHaveLength(3);
  });

  it('removes everything on DELETE, answering 200 with no body', async () => {
    const head = await start();
    await head.request('PUT', '/api/serve/applications/', { body: helloConfig });
    head.clock.advance(5000);
    const response = await head.request('DELETE', '/api/serve/applications/');
    expect([response.status, response.text]).toEqual([200, '']);
    expect((await details(head)).applications).toEqual({});
    expect((await details(head)).controller_info).toEqual({});
  });

  it('keeps GPU replicas waiting, as demand, until a GPU node joins; they explain why after 30 s', async () => {
    const head = await start();
    const result = head.simulation.deployServeConfig({
      applications: [
        {
          name: 'llm',
          import_path: 'llm.serve:app',
          route_prefix: '/llm',
          deployments: [
            { name: 'Model', num_replicas: 1, ray_actor_options: { num_cpus: 1, num_gpus: 1 } },
          ],
        },
      ],
    });
    expect(result).toEqual({ accepted: true });
    head.clock.advance(3000);
    expect(head.simulation.pendingResourceDemand()).toEqual([
      { resources: { CPU: 1, GPU: 1 }, kind: 'serve', owner: 'llm/Model' },
    ]);
    head.clock.advance(29_999);
    expect((await app(head, 'llm')).deployments.Model?.message).toBe('');
    head.clock.advance(1);
    const waiting = await app(head, 'llm');
    expect(waiting.status).toBe('DEPLOYING');
    expect(waiting.deployments.Model?.status).toBe('UPDATING');
    expect(waiting.deployments.Model?.message).toContain(
      "Deployment 'Model' in application 'llm' has 1 replicas that have taken more than 30s to be scheduled.",
    );
    expect(waiting.deployments.Model?.replicas[0]).toMatchObject({
      state: 'STARTING',
      node_id: null,
    });
    head.simulation.updateNodes([testHead, testCpuWorker, testGpuWorker]);
    expect(head.simulation.pendingResourceDemand()).toEqual([]);
    head.clock.advance(2000);
    const running = await app(head, 'llm');
    expect(running.status).toBe('RUNNING');
    expect(running.deployments.Model?.replicas[0]?.node_ip).toBe(testGpuWorker.ip);
  });

  it('replaces replicas whose node died: UNHEALTHY until the replacement runs', async () => {
    const head = await start({ nodes: [testHead, testGpuWorker] });
    head.simulation.deployServeConfig({
      applications: [
        {
          name: 'llm',
          import_path: 'llm.serve:app',
          deployments: [{ name: 'Model', ray_actor_options: { num_gpus: 1 } }],
        },
      ],
    });
    head.clock.advance(5000);
    expect((await app(head, 'llm')).status).toBe('RUNNING');
    head.simulation.updateNodes([testHead]);
    const broken = await app(head, 'llm');
    expect(broken.status).toBe('UNHEALTHY');
    expect(broken.deployments.Model).toMatchObject({
      status: 'UNHEALTHY',
      status_trigger: 'HEALTH_CHECK_FAILED',
    });
    expect(head.simulation.pendingResourceDemand()).toHaveLength(1);
    head.simulation.updateNodes([testHead, testGpuWorker]);
    head.clock.advance(2000);
    expect((await app(head, 'llm')).status).toBe('RUNNING');
  });

  it('rejects an invalid config given in-process, with the same text', () => {
    return start().then((head) => {
      const result = head.simulation.deployServeConfig({ applications: 'nope' });
      expect(result).toMatchObject({ accepted: false, status: 400 });
      if (!result.accepted)
        expect(result.message).toContain('Input should be a valid list [type=list_type');
    });
  });
});
