import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { apiFailure } from '../../../test/support/apiFailure.ts';
import {
  eventually,
  startTestPortal,
  type TestPortal,
} from '../../../test/support/startTestPortal.ts';
import type { CreateServiceRequest } from '../../shared/api/serviceSchemas.ts';
import type { RayServiceResource } from '../../shared/ray/rayTypes.ts';
import { serveHelloServeConfig } from '../../shared/ray/serveHelloSample.ts';

let portal: TestPortal;

beforeAll(async () => {
  portal = await startTestPortal();
}, 120_000);
afterAll(() => portal.close());

const request = (overrides: Partial<CreateServiceRequest> = {}): CreateServiceRequest => ({
  name: 'hello',
  team: 'team-a',
  template: 'cpu-small',
  serveConfigV2: serveHelloServeConfig,
  ...overrides,
});

const stored = () => portal.cache.get('RayService', 'team-a', 'hello');

describe('/api/v1/services', () => {
  it('refuses a bad Serve config and a bad template together, naming fields and lines', async () => {
    const error = await apiFailure(
      portal.admin.createService(
        request({
          template: 'no-such-template',
          serveConfigV2: serveHelloServeConfig.replace('serve_hello:app_builder', 'hello app'),
        }),
      ),
    );
    expect(error.status).toBe(400);
    expect(error.fields).toEqual(
      expect.arrayContaining([
        { path: 'body.template', message: 'does not exist' },
        {
          path: 'body.serveConfigV2',
          message: expect.stringMatching(/^line 3: applications\[0\]\.import_path: must be/),
        },
      ]),
    );
    expect(stored()).toBeUndefined();
  });

  it('dry-runs without creating, then creates with the serve port and the template labels', async () => {
    const dry = await portal.admin.dryRunService(request());
    expect(dry.applications).toEqual([
      { name: 'hello', importPath: 'serve_hello:app_builder', routePrefix: '/hello' },
    ]);
    expect(dry.yaml).toContain('kind: RayService');
    expect(stored()).toBeUndefined();

    const created = await portal.admin.createService(request());
    expect(created.summary).toMatchObject({ team: 'team-a', name: 'hello', template: 'cpu-small' });
    await eventually(() => stored() !== undefined, 'service cached');
    const head = stored()?.spec.rayClusterConfig.headGroupSpec.template.spec?.containers[0];
    expect(head?.ports).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'serve', containerPort: 8000 })]),
    );
    const duplicate = await apiFailure(portal.admin.createService(request()));
    expect(duplicate.status).toBe(409);
    expect(duplicate.fields).toEqual([
      { path: 'body.name', message: 'is already used in this team' },
    ]);
  });

  it('explains in-place vs new-cluster updates before applying one', async () => {
    const same = await portal.admin.planServiceUpdate('team-a', 'hello', {
      serveConfigV2: serveHelloServeConfig,
    });
    expect(same.kind).toBe('none');
    const serveOnly = serveHelloServeConfig.replace('num_replicas: 2', 'num_replicas: 3');
    const inPlace = await portal.admin.planServiceUpdate('team-a', 'hello', {
      serveConfigV2: serveOnly,
    });
    expect(inPlace).toMatchObject({
      kind: 'inPlace',
      serveConfigChanged: true,
      clusterChanged: false,
    });
    const newCluster = await portal.admin.planServiceUpdate('team-a', 'hello', {
      serveConfigV2: serveOnly,
      env: [{ name: 'MODE', value: 'fast' }],
    });
    expect(newCluster).toMatchObject({ kind: 'newCluster', clusterChanged: true });
    expect(newCluster.explanation).toContain('starts a new cluster');
    // Planning changed nothing.
    expect(stored()?.spec.serveConfigV2).toBe(serveHelloServeConfig);

    await portal.admin.updateService('team-a', 'hello', {
      serveConfigV2: serveOnly,
      env: [{ name: 'MODE', value: 'fast' }],
    });
    // The env var reaches the cluster spec (Container types here carry no env field).
    const hasEnv = (service: RayServiceResource | undefined) =>
      JSON.stringify(service?.spec.rayClusterConfig ?? {}).includes(
        '{"name":"MODE","value":"fast"}',
      );
    await eventually(
      () => stored()?.spec.serveConfigV2 === serveOnly && hasEnv(stored()),
      'update stored',
    );
  });

  it('refuses an update whose Serve config has an unknown field, changing nothing', async () => {
    const before = stored()?.spec.serveConfigV2;
    const error = await apiFailure(
      portal.admin.updateService('team-a', 'hello', {
        serveConfigV2: `${serveHelloServeConfig}proxy_locaton: EveryNode\n`,
      }),
    );
    expect(error.fields[0]?.message).toMatch(/^line 10: proxy_locaton: unknown field/);
    expect(stored()?.spec.serveConfigV2).toBe(before);
  });

  it('lists the service and deletes it', async () => {
    expect((await portal.admin.listServices()).items.map((item) => item.name)).toContain('hello');
    await portal.admin.deleteService('team-a', 'hello');
    await eventually(() => stored() === undefined, 'service gone');
  });
});
