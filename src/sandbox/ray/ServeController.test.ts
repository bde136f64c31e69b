import { describe, expect, it } from 'vitest';

import { testCpuWorker, testHead } from '../../../test/support/startRayHeadTestServer.ts';
import { ManualClock } from '../world/simClock.ts';
import { ResourceLedger } from './ResourceLedger.ts';
import { serveBuildDoneMs, ServeController, serveReplicaStartMs } from './ServeController.ts';
import { validateServeDeployConfig } from './serveDeployConfig.ts';

function controller(): { serve: ServeController; clock: ManualClock; ledger: ResourceLedger } {
  const clock = new ManualClock();
  const ledger = new ResourceLedger('c');
  ledger.setNodes([testHead, testCpuWorker], clock.now());
  const serve = new ServeController({
    clock,
    ledger,
    clusterName: 'c',
    onResourcesFreed: () => serve.schedulePending(),
  });
  return { serve, clock, ledger };
}

function config(body: unknown) {
  const result = validateServeDeployConfig(body);
  if (!result.ok) throw new Error(result.text);
  return result.config;
}

describe('ServeController', () => {
  it('runs proxies where proxy_location says, and keeps the first HTTP options as Serve does', () => {
    const { serve, clock } = controller();
    serve.deploy(
      config({
        proxy_location: 'HeadOnly',
        http_options: { port: 8100 },
        applications: [{ import_path: 'a:b' }],
      }),
    );
    clock.advance(serveBuildDoneMs + serveReplicaStartMs);
    let details = serve.details() as {
      proxies: Record<string, unknown>;
      http_options: { port: number };
      proxy_location: string;
    };
    expect(Object.keys(details.proxies)).toHaveLength(1);
    expect(details.http_options.port).toBe(8100);
    serve.deploy(
      config({
        proxy_location: 'Disabled',
        http_options: { port: 9999 },
        applications: [{ import_path: 'a:b' }],
      }),
    );
    details = serve.details() as typeof details;
    expect(details.http_options.port).toBe(8100);
    expect(details.proxy_location).toBe('HeadOnly');
    expect(serve.hasRunningApps()).toBe(true);
  });

  it('holds replica resources on the ledger and frees them on shutdown', () => {
    const { serve, clock, ledger } = controller();
    serve.deploy(
      config({
        applications: [
          {
            import_path: 'a:b',
            deployments: [{ name: 'D', num_replicas: 3, ray_actor_options: { num_cpus: 2 } }],
          },
        ],
      }),
    );
    clock.advance(serveBuildDoneMs);
    const used = ledger.aliveNodes().reduce((sum, node) => sum + (ledger.used(node).CPU ?? 0), 0);
    expect(used).toBe(6);
    serve.shutdown();
    expect(ledger.aliveNodes().every((node) => (ledger.used(node).CPU ?? 0) === 0)).toBe(true);
    expect(serve.running).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('gives an app without listed deployments what its code would: serve_hello gets Hello × 2', () => {
    const { serve, clock } = controller();
    serve.deploy(
      config({ applications: [{ name: 'hello', import_path: 'serve_hello:app_builder' }] }),
    );
    clock.advance(serveBuildDoneMs);
    const details = serve.details() as {
      applications: Record<string, { deployments: Record<string, { replicas: unknown[] }> }>;
    };
    expect(Object.keys(details.applications.hello?.deployments ?? {})).toEqual(['Hello']);
    expect(details.applications.hello?.deployments.Hello?.replicas).toHaveLength(2);
  });
});
