import { describe, expect, it } from 'vitest';

import { validateServeDeployConfig } from './serveDeployConfig.ts';

describe('validateServeDeployConfig', () => {
  it('applies Serve’s defaults: EveryNode proxies, HTTP on 0.0.0.0:8000, app "default" at "/"', () => {
    const result = validateServeDeployConfig({ applications: [{ import_path: 'pkg.mod:app' }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.proxyLocation).toBe('EveryNode');
    expect(result.config.httpOptions).toMatchObject({
      host: '0.0.0.0',
      port: 8000,
      keep_alive_timeout_s: 90,
    });
    expect(result.config.applications[0]).toMatchObject({
      name: 'default',
      routePrefix: '/',
      importPath: 'pkg.mod:app',
      deployments: [],
    });
  });

  it('accepts a null route prefix, "auto" replicas and unknown fields', () => {
    const result = validateServeDeployConfig({
      future_field: 1,
      applications: [
        {
          name: 'a',
          import_path: 'a:b',
          route_prefix: null,
          deployments: [{ name: 'D', num_replicas: 'auto', extra: true }],
        },
      ],
    });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.applications[0]?.routePrefix).toBeNull();
  });

  it('rejects duplicate route prefixes and a non-object body with pydantic’s wording', () => {
    const routes = validateServeDeployConfig({
      applications: [
        { name: 'a', import_path: 'a:b', route_prefix: '/x' },
        { name: 'b', import_path: 'a:c', route_prefix: '/x' },
      ],
    });
    expect(routes).toMatchObject({ ok: false });
    if (!routes.ok)
      expect(routes.text).toContain('Found duplicate applications for route prefix "/x".');
    const list = validateServeDeployConfig([]);
    if (!list.ok) {
      expect(list.text).toBe(
        '1 validation error for ServeDeploySchema\n  Input should be a valid dictionary or instance of ServeDeploySchema [type=model_type, input_value=[], input_type=list]\n    For further information visit https://errors.pydantic.dev/2.11/v/model_type',
      );
    } else {
      expect.unreachable();
    }
  });

  it('checks ray_actor_options numbers', () => {
    const result = validateServeDeployConfig({
      applications: [
        {
          import_path: 'a:b',
          deployments: [{ name: 'D', ray_actor_options: { num_gpus: -1, num_cpus: 'one' } }],
        },
      ],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.text).toContain(
        'applications.0.deployments.0.ray_actor_options.num_cpus\n  Input should be a valid number',
      );
      expect(result.text).toContain(
        'applications.0.deployments.0.ray_actor_options.num_gpus\n  Input should be greater than or equal to 0',
      );
    }
  });
});
