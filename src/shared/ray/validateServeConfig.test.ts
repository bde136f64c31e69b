import { describe, expect, it } from 'vitest';

import { serveHelloServeConfig } from './serveHelloSample.ts';
import { validateServeConfig } from './validateServeConfig.ts';

/** The Serve config of the shipped sample (equal to manifests/rayservice-hello.yaml's: tested). */
function helloServeConfig(): string {
  return serveHelloServeConfig;
}

describe('validateServeConfig', () => {
  it('accepts the serve_hello sample and summarises its application', () => {
    const result = validateServeConfig(helloServeConfig());
    expect(result.problems).toEqual([]);
    expect(result.summary?.applications).toEqual([
      { name: 'hello', importPath: 'serve_hello:app_builder', routePrefix: '/hello' },
    ]);
  });

  it('refuses an unknown field with its line', () => {
    const text = helloServeConfig().replace(
      'num_replicas: 2',
      'num_replicas: 2\n        replicas: 3',
    );
    const lineOfField = text.split('\n').findIndex((line) => line.includes('replicas: 3')) + 1;
    const { problems } = validateServeConfig(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      path: 'applications[0].deployments[0].replicas',
      line: lineOfField,
    });
    expect(problems[0]?.message).toContain('unknown field "replicas"');
  });

  it('refuses a file-style import path on its line', () => {
    const text = helloServeConfig().replace('serve_hello:app_builder', 'serve_hello.py');
    const line = text.split('\n').findIndex((entry) => entry.includes('serve_hello.py')) + 1;
    const { problems } = validateServeConfig(text);
    expect(problems.map((entry) => [entry.path, entry.line])).toEqual([
      ['applications[0].import_path', line],
    ]);
  });

  it.each([
    ['applications: []\nfoo: 1\n', 'foo', 2],
    ['applications:\n  - name: a\n', 'applications[0].import_path', 2],
    [
      'applications:\n  - import_path: a:b\n    route_prefix: hello\n',
      'applications[0].route_prefix',
      3,
    ],
    [
      'applications:\n  - import_path: a:b\n    deployments:\n      - name: D\n        num_replicas: 2\n        autoscaling_config:\n          min_replicas: 1\n',
      'applications[0].deployments[0].num_replicas',
      5,
    ],
    [
      'applications:\n  - import_path: a:b\n    deployments:\n      - name: D\n        num_replicas: auto\n        autoscaling_config:\n          min_replicas: 4\n          max_replicas: 2\n',
      'applications[0].deployments[0].autoscaling_config.min_replicas',
      7,
    ],
    [
      'applications:\n  - import_path: a:b\n    runtime_env:\n      pipp: [x]\n',
      'applications[0].runtime_env.pipp',
      4,
    ],
    [
      'applications:\n  - import_path: a:b\n    deployments:\n      - name: D\n        ray_actor_options:\n          num_gpu: 1\n',
      'applications[0].deployments[0].ray_actor_options.num_gpu',
      6,
    ],
    [
      'applications:\n  - name: a\n    import_path: a:b\n  - name: a\n    import_path: c:d\n    route_prefix: /c\n',
      'applications[1].name',
      4,
    ],
    ['- 1\n', '', 1],
    ['applications: [\n', '', 2],
  ])('refuses %j at %s (line %i)', (text, path, line) => {
    const { problems } = validateServeConfig(text);
    expect(problems.map((entry) => entry.path)).toContain(path);
    expect(problems.find((entry) => entry.path === path)?.line).toBe(line);
  });

  it('accepts autoscaling with num_replicas auto, env vars and a null route', () => {
    const text = [
      'applications:',
      '  - name: a',
      '    import_path: pkg.mod:build',
      '    route_prefix: null',
      '    runtime_env:',
      '      env_vars: {MODE: fast}',
      '    deployments:',
      '      - name: D',
      '        num_replicas: auto',
      '        autoscaling_config: {min_replicas: 1, max_replicas: 4, target_ongoing_requests: 2}',
      '        ray_actor_options: {num_gpus: 1}',
    ].join('\n');
    expect(validateServeConfig(text).problems).toEqual([]);
  });
});
