import { isPlainObject, pythonRepr } from './pythonJson.ts';

/**
 * Validation of the body of `PUT /api/serve/applications/` (Ray Serve's `ServeDeploySchema`,
 * which is KubeRay's `serveConfigV2` as JSON). Failures become 400 with pydantic's error text.
 * Unknown fields are accepted, as Serve does for forward compatibility.
 */

/** One deployment's options from the config (what `ray_actor_options` asks per replica). */
export interface ServeDeploymentConfig {
  name: string;
  numReplicas?: number;
  rayActorOptions: Record<string, unknown>;
  /** The deployment's entry exactly as submitted. */
  raw: Record<string, unknown>;
}

/** One application of the config. */
export interface ServeApplicationConfig {
  name: string;
  /** Null: not exposed over HTTP. */
  routePrefix: string | null;
  importPath: string;
  deployments: ServeDeploymentConfig[];
  /** The application's entry exactly as submitted (`deployed_app_config`). */
  raw: Record<string, unknown>;
}

/** A validated Serve config. */
export interface ServeDeployConfig {
  proxyLocation: 'Disabled' | 'HeadOnly' | 'EveryNode';
  httpOptions: Record<string, unknown>;
  grpcOptions: Record<string, unknown>;
  applications: ServeApplicationConfig[];
}

/** The result of validation: a config, or pydantic's error text. */
export type ServeDeployConfigResult =
  { ok: true; config: ServeDeployConfig } | { ok: false; text: string };

interface ErrorEntry {
  loc: (string | number)[];
  message: string;
  type: string;
  input: unknown;
}

/** Serve's HTTP proxy defaults (`HTTPOptionsSchema`, Ray 2.5x). */
const defaultHttpOptions = {
  host: '0.0.0.0',
  port: 8000,
  root_path: '',
  request_timeout_s: null,
  keep_alive_timeout_s: 90,
  ssl_keyfile: null,
  ssl_certfile: null,
  ssl_keyfile_password: null,
  ssl_ca_certs: null,
};

const defaultGrpcOptions = { port: 9000, grpc_servicer_functions: [], request_timeout_s: null };

/** Validates a parsed `PUT /api/serve/applications/` body. */
export function validateServeDeployConfig(body: unknown): ServeDeployConfigResult {
  const errors: ErrorEntry[] = [];
  const fail = (loc: (string | number)[], message: string, type: string, input: unknown): void => {
    errors.push({ loc, message, type, input });
  };
  if (!isPlainObject(body)) {
    fail(
      [],
      'Input should be a valid dictionary or instance of ServeDeploySchema',
      'model_type',
      body,
    );
    return { ok: false, text: formatErrors(errors) };
  }
  const proxyLocation = body.proxy_location ?? 'EveryNode';
  if (!['Disabled', 'HeadOnly', 'EveryNode'].includes(String(proxyLocation))) {
    fail(
      ['proxy_location'],
      "Input should be 'Disabled', 'HeadOnly' or 'EveryNode'",
      'enum',
      proxyLocation,
    );
  }
  const httpOptions = body.http_options ?? {};
  if (!isPlainObject(httpOptions))
    fail(['http_options'], 'Input should be a valid dictionary', 'dict_type', httpOptions);
  const applications: ServeApplicationConfig[] = [];
  if (body.applications === undefined) {
    fail(['applications'], 'Field required', 'missing', body);
  } else if (!Array.isArray(body.applications)) {
    fail(['applications'], 'Input should be a valid list', 'list_type', body.applications);
  } else {
    body.applications.forEach((app: unknown, index: number) => {
      const parsed = validateApplication(app, ['applications', index], fail);
      if (parsed) applications.push(parsed);
    });
    const names = applications.map((app) => app.name);
    const duplicates = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
    if (duplicates.length > 0) {
      fail(
        ['applications'],
        `Value error, Found multiple configs for ${duplicates.length === 1 ? 'application' : 'applications'} ${duplicates.map((name) => `"${name}"`).join(', ')}. Please remove all duplicates.`,
        'value_error',
        body.applications,
      );
    }
    const routes = applications.flatMap((app) =>
      app.routePrefix === null ? [] : [app.routePrefix],
    );
    const duplicateRoutes = [
      ...new Set(routes.filter((route, index) => routes.indexOf(route) !== index)),
    ];
    if (duplicateRoutes.length > 0) {
      fail(
        ['applications'],
        `Value error, Found duplicate applications for ${duplicateRoutes.length === 1 ? 'route prefix' : 'route prefixes'} ${duplicateRoutes.map((route) => `"${route}"`).join(', ')}. Please ensure each application's route_prefix is unique.`,
        'value_error',
        body.applications,
      );
    }
  }
  if (errors.length > 0) return { ok: false, text: formatErrors(errors) };
  return {
    ok: true,
    config: {
      proxyLocation: proxyLocation as ServeDeployConfig['proxyLocation'],
      httpOptions: { ...defaultHttpOptions, ...(isPlainObject(httpOptions) ? httpOptions : {}) },
      grpcOptions: {
        ...defaultGrpcOptions,
        ...(isPlainObject(body.grpc_options) ? body.grpc_options : {}),
      },
      applications,
    },
  };
}

function validateApplication(
  app: unknown,
  loc: (string | number)[],
  fail: (loc: (string | number)[], message: string, type: string, input: unknown) => void,
): ServeApplicationConfig | undefined {
  if (!isPlainObject(app)) {
    fail(
      loc,
      'Input should be a valid dictionary or instance of ServeApplicationSchema',
      'model_type',
      app,
    );
    return undefined;
  }
  const name = app.name ?? 'default';
  if (typeof name !== 'string')
    fail([...loc, 'name'], 'Input should be a valid string', 'string_type', name);
  else if (name === '')
    fail(['applications'], 'Value error, Application names must be nonempty.', 'value_error', name);
  const routePrefix = app.route_prefix === undefined ? '/' : app.route_prefix;
  if (routePrefix !== null) {
    if (typeof routePrefix !== 'string') {
      fail([...loc, 'route_prefix'], 'Input should be a valid string', 'string_type', routePrefix);
    } else {
      const problem = routePrefixProblem(routePrefix);
      if (problem)
        fail([...loc, 'route_prefix'], `Value error, ${problem}`, 'value_error', routePrefix);
    }
  }
  const importPath = app.import_path;
  if (importPath === undefined) {
    fail([...loc, 'import_path'], 'Field required', 'missing', app);
  } else if (typeof importPath !== 'string') {
    fail([...loc, 'import_path'], 'Input should be a valid string', 'string_type', importPath);
  } else {
    const problem = importPathProblem(importPath);
    if (problem)
      fail([...loc, 'import_path'], `Value error, ${problem}`, 'value_error', importPath);
  }
  const deployments: ServeDeploymentConfig[] = [];
  const rawDeployments = app.deployments ?? [];
  if (!Array.isArray(rawDeployments)) {
    fail([...loc, 'deployments'], 'Input should be a valid list', 'list_type', rawDeployments);
  } else {
    rawDeployments.forEach((deployment: unknown, index: number) => {
      const parsed = validateDeployment(deployment, [...loc, 'deployments', index], fail);
      if (parsed) deployments.push(parsed);
    });
  }
  if (typeof name !== 'string' || typeof importPath !== 'string') return undefined;
  return {
    name,
    routePrefix: typeof routePrefix === 'string' ? routePrefix : null,
    importPath,
    deployments,
    raw: app,
  };
}

function validateDeployment(
  deployment: unknown,
  loc: (string | number)[],
  fail: (loc: (string | number)[], message: string, type: string, input: unknown) => void,
): ServeDeploymentConfig | undefined {
  if (!isPlainObject(deployment)) {
    fail(
      loc,
      'Input should be a valid dictionary or instance of DeploymentSchema',
      'model_type',
      deployment,
    );
    return undefined;
  }
  const name = deployment.name;
  if (name === undefined) fail([...loc, 'name'], 'Field required', 'missing', deployment);
  else if (typeof name !== 'string')
    fail([...loc, 'name'], 'Input should be a valid string', 'string_type', name);
  const replicas = deployment.num_replicas;
  if (replicas !== undefined && replicas !== null && replicas !== 'auto') {
    if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
      fail([...loc, 'num_replicas'], 'Input should be a valid integer', 'int_type', replicas);
    } else if (replicas <= 0) {
      fail([...loc, 'num_replicas'], 'Input should be greater than 0', 'greater_than', replicas);
    }
  }
  const options = deployment.ray_actor_options ?? {};
  if (!isPlainObject(options)) {
    fail([...loc, 'ray_actor_options'], 'Input should be a valid dictionary', 'dict_type', options);
  } else {
    for (const key of ['num_cpus', 'num_gpus', 'memory', 'object_store_memory']) {
      const value = options[key];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'number') {
        fail(
          [...loc, 'ray_actor_options', key],
          'Input should be a valid number',
          'float_type',
          value,
        );
      } else if (value < 0) {
        fail(
          [...loc, 'ray_actor_options', key],
          'Input should be greater than or equal to 0',
          'greater_than_equal',
          value,
        );
      }
    }
  }
  if (typeof name !== 'string') return undefined;
  return {
    name,
    ...(typeof replicas === 'number' ? { numReplicas: replicas } : {}),
    rayActorOptions: isPlainObject(options) ? options : {},
    raw: deployment,
  };
}

/** Serve's route prefix rules, or undefined when fine. */
function routePrefixProblem(prefix: string): string | undefined {
  if (prefix.length < 1 || !prefix.startsWith('/'))
    return `Got "${prefix}" for route_prefix. Route prefix must start with "/".`;
  if (prefix.endsWith('/') && prefix.length > 1) {
    return `Got "${prefix}" for route_prefix. Route prefix cannot end with "/" unless the entire prefix is just "/".`;
  }
  if (prefix.includes('{') || prefix.includes('}')) {
    return `Got "${prefix}" for route_prefix. Route prefix cannot contain wildcards, so it cannot contain "{" or "}".`;
  }
  return undefined;
}

/** Serve's import path rules (`module:attr` or `module.attr`), or undefined when fine. */
function importPathProblem(path: string): string | undefined {
  if (path.includes(':')) {
    if (path.split(':').length > 2)
      return `Got invalid import path "${path}". An import path may have at most one colon.`;
    if (path.startsWith(':') || path.endsWith(':')) {
      return `Got invalid import path "${path}". An import path may not start or end with a colon.`;
    }
    return undefined;
  }
  if (!path.includes('.')) {
    return `Got invalid import path "${path}". An import path must contain at least on dot or colon separating the module (and potentially submodules) from the deployment graph. E.g.: "module.deployment_graph".`;
  }
  if (path.startsWith('.') || path.endsWith('.')) {
    return `Got invalid import path "${path}". An import path may not start or end with a dot.`;
  }
  return undefined;
}

function pythonTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

/** pydantic's `ValidationError` text. */
function formatErrors(errors: readonly ErrorEntry[]): string {
  const lines = [
    `${errors.length} validation error${errors.length === 1 ? '' : 's'} for ServeDeploySchema`,
  ];
  for (const error of errors) {
    if (error.loc.length > 0) lines.push(error.loc.join('.'));
    lines.push(
      `  ${error.message} [type=${error.type}, input_value=${pythonRepr(error.input)}, input_type=${pythonTypeOf(error.input)}]`,
    );
    lines.push(
      `    For further information visit https://errors.pydantic.dev/2.11/v/${error.type}`,
    );
  }
  return lines.join('\n');
}
