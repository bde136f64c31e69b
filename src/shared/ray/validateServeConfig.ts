import {
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  type Node as YamlNode,
  parseDocument,
} from 'yaml';

/** One problem of a Serve config, with the 1-based line (and column) the editor marks. */
export interface ServeConfigProblem {
  /** Dotted path, e.g. `applications[0].deployments[1].num_replicas`; `` for the document. */
  path: string;
  message: string;
  /** 1-based line of the offending key or value (1 when the document itself is wrong). */
  line: number;
  column: number;
}

/** What the validator learned from a config that parsed: apps with their route and import. */
export interface ServeConfigSummary {
  applications: { name: string; importPath: string; routePrefix: string | null }[];
}

/** The result: problems (empty when valid) and, when it parsed as a mapping, its summary. */
export interface ServeConfigValidation {
  problems: ServeConfigProblem[];
  summary?: ServeConfigSummary;
}

/**
 * `module.sub:attribute` (Serve's import path; `module.attribute` is also accepted by Ray but
 * deprecated, so the colon form is required here). Python identifiers only: no spaces, slashes
 * or file names such as `app.py:app`.
 */
export const serveImportPathPattern =
  /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Size limits of a Serve config (characters, applications, deployments per application). */
export const serveConfigLimits = {
  maxLength: 65_536,
  maxApplications: 32,
  maxDeployments: 64,
} as const;

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'list' | 'any';
/** A field of the allow-list: its value kind, or a nested schema for a mapping. */
type FieldSpec = Kind | { fields: Schema } | { list: Schema } | ((node: YamlNode) => string | null);
type Schema = Readonly<Record<string, FieldSpec>>;

const numReplicas = (node: YamlNode): string | null => {
  if (isScalar(node) && node.value === 'auto') return null;
  if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value)) {
    return node.value >= 0 ? null : 'must be 0 or more';
  }
  return 'must be a whole number or "auto"';
};

/** Ray's `RuntimeEnv` fields (ray.runtime_env.RuntimeEnv.known_fields). */
const runtimeEnvSchema: Schema = {
  working_dir: 'string',
  py_modules: 'list',
  py_executable: 'string',
  java_jars: 'list',
  pip: 'any',
  uv: 'any',
  conda: 'any',
  container: 'object',
  image_uri: 'string',
  env_vars: 'object',
  excludes: 'list',
  config: 'object',
  nsight: 'any',
  rocprof_sys: 'any',
  worker_process_setup_hook: 'string',
  _ray_commit: 'string',
};

/** Serve's `AutoscalingConfig` fields (ray.serve.config.AutoscalingConfig). */
const autoscalingSchema: Schema = {
  min_replicas: 'integer',
  initial_replicas: 'integer',
  max_replicas: 'integer',
  target_ongoing_requests: 'number',
  metrics_interval_s: 'number',
  look_back_period_s: 'number',
  smoothing_factor: 'number',
  upscale_smoothing_factor: 'number',
  downscale_smoothing_factor: 'number',
  upscaling_factor: 'number',
  downscaling_factor: 'number',
  downscale_delay_s: 'number',
  downscale_to_zero_delay_s: 'number',
  upscale_delay_s: 'number',
  aggregation_function: 'string',
  policy: 'any',
};

/** `ray_actor_options` of a deployment (RayActorOptionsSchema). */
const rayActorOptionsSchema: Schema = {
  runtime_env: { fields: runtimeEnvSchema },
  num_cpus: 'number',
  num_gpus: 'number',
  memory: 'number',
  resources: 'object',
  accelerator_type: 'string',
  label_selector: 'object',
};

const loggingSchema: Schema = {
  encoding: 'string',
  log_level: 'any',
  logs_dir: 'string',
  enable_access_log: 'boolean',
  additional_log_standard_attrs: 'list',
};

/** One deployment's overrides (DeploymentSchema). */
const deploymentSchema: Schema = {
  name: 'string',
  num_replicas: numReplicas,
  max_ongoing_requests: 'integer',
  max_queued_requests: 'integer',
  user_config: 'any',
  autoscaling_config: { fields: autoscalingSchema },
  graceful_shutdown_wait_loop_s: 'number',
  graceful_shutdown_timeout_s: 'number',
  health_check_period_s: 'number',
  health_check_timeout_s: 'number',
  ray_actor_options: { fields: rayActorOptionsSchema },
  placement_group_bundles: 'list',
  placement_group_strategy: 'string',
  max_replicas_per_node: 'integer',
  logging_config: { fields: loggingSchema },
  request_router_config: 'object',
};

const importPath = (node: YamlNode): string | null =>
  isScalar(node) && typeof node.value === 'string' && serveImportPathPattern.test(node.value)
    ? null
    : 'must be "module:attribute" (Python names, e.g. serve_hello:app_builder)';

const routePrefix = (node: YamlNode): string | null =>
  isScalar(node) &&
  (node.value === null || (typeof node.value === 'string' && /^\/[^\s?#]*$/.test(node.value)))
    ? null
    : 'must start with "/" (e.g. /hello) or be null';

/** One application (ServeApplicationSchema). */
const applicationSchema: Schema = {
  name: 'string',
  route_prefix: routePrefix,
  import_path: importPath,
  runtime_env: { fields: runtimeEnvSchema },
  host: 'string',
  port: 'integer',
  deployments: { list: deploymentSchema },
  args: 'any',
  logging_config: { fields: loggingSchema },
  external_scaler_enabled: 'boolean',
};

/** The top level (ServeDeploySchema, the multi-application format KubeRay's serveConfigV2 uses). */
const serveDeploySchema: Schema = {
  proxy_location: 'string',
  http_options: {
    fields: {
      host: 'string',
      port: 'integer',
      root_path: 'string',
      request_timeout_s: 'number',
      keep_alive_timeout_s: 'number',
    },
  },
  grpc_options: {
    fields: { port: 'integer', grpc_servicer_functions: 'list', request_timeout_s: 'number' },
  },
  logging_config: { fields: loggingSchema },
  applications: { list: applicationSchema },
  target_capacity: 'number',
};

/**
 * Checks a `serveConfigV2` YAML string against an allow-list of Ray Serve's config schema
 * (ServeDeploySchema → ServeApplicationSchema → DeploymentSchema, as of Ray 2.5x): unknown fields
 * are refused (Serve itself refuses them, but only after the cluster is up), import paths must be
 * `module:attribute`, names unique, replica counts whole. Every problem carries the line the YAML
 * parser saw it on, so the editor can mark it. Pure: runs in the browser as the user types and
 * on the server before anything is created.
 */
export function validateServeConfig(text: string): ServeConfigValidation {
  const lines = new LineCounter();
  const problems: ServeConfigProblem[] = [];
  const at = (node: YamlNode | null | undefined): { line: number; column: number } => {
    const offset = node?.range?.[0] ?? 0;
    const position = lines.linePos(offset);
    return { line: position.line, column: position.col };
  };
  const problem = (path: string, message: string, node: YamlNode | null | undefined): void => {
    problems.push({ path, message, ...at(node) });
  };
  if (text.length > serveConfigLimits.maxLength) {
    return {
      problems: [
        {
          path: '',
          message: `is longer than ${serveConfigLimits.maxLength} characters`,
          line: 1,
          column: 1,
        },
      ],
    };
  }
  const document = parseDocument(text, { lineCounter: lines, keepSourceTokens: false });
  for (const error of document.errors) {
    const position = error.linePos?.[0] ?? { line: 1, col: 1 };
    problems.push({
      path: '',
      message: `YAML: ${error.message.split('\n')[0] ?? error.message}`,
      line: position.line,
      column: position.col,
    });
  }
  if (problems.length > 0) return { problems };
  const root = document.contents;
  if (!isMap(root)) {
    problem('', 'must be a mapping with an "applications" list', root);
    return { problems };
  }

  const check = (node: YamlNode, spec: FieldSpec, path: string): void => {
    if (typeof spec === 'function') {
      const message = spec(node);
      if (message) problem(path, message, node);
      return;
    }
    if (typeof spec === 'object' && 'fields' in spec) {
      checkMap(node, spec.fields, path);
      return;
    }
    if (typeof spec === 'object' && 'list' in spec) {
      if (!isSeq(node)) {
        problem(path, 'must be a list', node);
        return;
      }
      node.items.forEach((item, index) => {
        if (isNode(item)) {
          checkMap(item, spec.list, `${path}[${index}]`);
        }
      });
      return;
    }
    const value = isScalar(node) ? node.value : undefined;
    switch (spec) {
      case 'any':
        return;
      case 'string':
        if (typeof value !== 'string') problem(path, 'must be a string', node);
        return;
      case 'number':
        if (typeof value !== 'number') problem(path, 'must be a number', node);
        return;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value))
          problem(path, 'must be a whole number', node);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') problem(path, 'must be true or false', node);
        return;
      case 'object':
        if (!isMap(node)) problem(path, 'must be a mapping', node);
        return;
      case 'list':
        if (!isSeq(node)) problem(path, 'must be a list', node);
        return;
    }
  };

  function checkMap(node: YamlNode, schema: Schema, path: string): void {
    if (!isMap(node)) {
      problem(path, 'must be a mapping', node);
      return;
    }
    for (const pair of node.items) {
      const keyNode = isScalar(pair.key) ? pair.key : null;
      const key = keyNode ? String(keyNode.value) : '';
      const fieldPath = path ? `${path}.${key}` : key;
      const spec = Object.hasOwn(schema, key) ? schema[key] : undefined;
      if (!spec) {
        problem(
          fieldPath,
          `unknown field "${key}" (allowed here: ${Object.keys(schema).join(', ')})`,
          keyNode,
        );
        continue;
      }
      const value = pair.value;
      if (isNode(value)) check(value, spec, fieldPath);
      else problem(fieldPath, 'has no value', keyNode);
    }
  }

  checkMap(root, serveDeploySchema, '');

  // Semantic rules Serve enforces at deploy time (ServeDeploySchema validators).
  const applications = root.get('applications', true);
  const summary: ServeConfigSummary = { applications: [] };
  if (!applications) {
    problem('applications', 'is required (a list of Serve applications)', root);
  } else if (isSeq(applications)) {
    if (applications.items.length > serveConfigLimits.maxApplications) {
      problem('applications', `has more than ${serveConfigLimits.maxApplications} entries`, root);
    }
    const names = new Map<string, number>();
    const prefixes = new Map<string, number>();
    applications.items.forEach((item, index) => {
      if (!isMap(item)) return;
      const path = `applications[${index}]`;
      const nameNode = item.get('name', true);
      const name = isScalar(nameNode) && typeof nameNode.value === 'string' ? nameNode.value : '';
      if (!item.has('import_path')) problem(`${path}.import_path`, 'is required', item);
      if (applications.items.length > 1 && !name) {
        problem(`${path}.name`, 'is required when there are several applications', item);
      }
      if (name) {
        if (names.has(name)) problem(`${path}.name`, `"${name}" is used twice`, nameNode);
        names.set(name, index);
      }
      const prefixNode = item.get('route_prefix', true);
      const prefix =
        prefixNode === undefined
          ? '/'
          : isScalar(prefixNode) && typeof prefixNode.value === 'string'
            ? prefixNode.value
            : null;
      if (prefix !== null) {
        if (prefixes.has(prefix))
          problem(`${path}.route_prefix`, `"${prefix}" is used twice`, prefixNode ?? item);
        prefixes.set(prefix, index);
      }
      const deployments = item.get('deployments', true);
      if (isSeq(deployments)) {
        if (deployments.items.length > serveConfigLimits.maxDeployments) {
          problem(`${path}.deployments`, `has more than ${serveConfigLimits.maxDeployments}`, item);
        }
        const deploymentNames = new Set<string>();
        deployments.items.forEach((deployment, at) => {
          if (!isMap(deployment)) return;
          const dPath = `${path}.deployments[${at}]`;
          const dName = deployment.get('name', true);
          if (!isScalar(dName) || typeof dName.value !== 'string' || dName.value === '') {
            problem(`${dPath}.name`, 'is required', deployment);
          } else if (deploymentNames.has(dName.value)) {
            problem(`${dPath}.name`, `"${dName.value}" is used twice`, dName);
          } else deploymentNames.add(dName.value);
          const auto = deployment.get('autoscaling_config', true);
          const replicas = deployment.get('num_replicas', true);
          if (
            isMap(auto) &&
            isScalar(replicas) &&
            typeof replicas.value === 'number' &&
            deployment.has('num_replicas')
          ) {
            problem(
              `${dPath}.num_replicas`,
              'cannot be a number together with autoscaling_config (use "auto" or drop it)',
              replicas,
            );
          }
          if (isMap(auto)) {
            const min = auto.get('min_replicas');
            const max = auto.get('max_replicas');
            if (typeof min === 'number' && typeof max === 'number' && min > max) {
              problem(
                `${dPath}.autoscaling_config.min_replicas`,
                'must not exceed max_replicas',
                auto.get('min_replicas', true),
              );
            }
          }
        });
      }
      const importNode = item.get('import_path', true);
      summary.applications.push({
        name: name || 'default',
        importPath:
          isScalar(importNode) && typeof importNode.value === 'string' ? importNode.value : '',
        routePrefix: prefix,
      });
    });
  }
  problems.sort((left, right) => left.line - right.line || left.column - right.column);
  return { problems, summary };
}
