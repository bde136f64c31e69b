import {
  isPyDict,
  isPyInt,
  isPyNumber,
  type PyJson,
  PyJsonDecodeError,
  pyNumberValue,
  pythonJsonParse,
  pyTypeName,
  toPlainJson,
} from './pythonJsonParse.ts';
import { pythonTraceback, rayFrame } from './pythonTraceback.ts';

/** A validated `POST /api/jobs/` body (Ray's `JobSubmitRequest`), in TypeScript naming. */
export interface JobSubmitRequest {
  entrypoint: string;
  /** `submission_id`, else the deprecated `job_id`; generated when absent. */
  submissionId?: string;
  runtimeEnv?: Record<string, unknown>;
  metadata?: Record<string, string>;
  entrypointNumCpus?: number;
  entrypointNumGpus?: number;
  /** Bytes; an integer in the request. */
  entrypointMemory?: number;
  entrypointResources?: Record<string, number>;
  entrypointLabelSelector?: Record<string, string>;
}

/** The JSON body of `POST /api/jobs/`, with Ray's snake_case keys. */
export interface JobSubmitRequestJson {
  entrypoint: string;
  submission_id?: string | null;
  job_id?: string | null;
  runtime_env?: Record<string, unknown> | null;
  metadata?: Record<string, string> | null;
  entrypoint_num_cpus?: number | null;
  entrypoint_num_gpus?: number | null;
  entrypoint_memory?: number | null;
  entrypoint_resources?: Record<string, number> | null;
  entrypoint_label_selector?: Record<string, string> | null;
}

/** A request the dashboard answers with an error: HTTP status and plain-text body. */
export class RayDashboardError extends Error {
  readonly status: number;
  readonly body: string;
  constructor(status: number, body: string) {
    super(body.trimEnd());
    this.name = 'RayDashboardError';
    this.status = status;
    this.body = body;
  }
}

/** What aiohttp answers when a handler raises: Ray lets invalid JSON through to it. */
export const aiohttpServerErrorText = '500 Internal Server Error\n\nServer got itself in trouble';

const baseFields = [
  'entrypoint',
  'submission_id',
  'job_id',
  'runtime_env',
  'metadata',
  'entrypoint_num_cpus',
  'entrypoint_num_gpus',
  'entrypoint_memory',
  'entrypoint_resources',
] as const;

/** Options that depend on the simulated Ray version. */
export interface SubmitRequestOptions {
  /** Ray ≥ 2.54 accepts `entrypoint_label_selector`; older versions reject it as unknown. */
  acceptsLabelSelector: boolean;
}

/**
 * Parses and validates a `POST /api/jobs/` body as Ray's `parse_and_validate_request` does:
 * keys whose value is null are dropped first, then the dataclass constructor rejects unknown
 * keys and `__post_init__` checks types, both as 400 with a Python traceback. Text that is not
 * JSON, or JSON that is not an object, fails before validation and aiohttp answers 500.
 * @throws RayDashboardError
 */
export function parseJobSubmitRequest(
  body: string,
  options: SubmitRequestOptions,
): JobSubmitRequest {
  let parsed: PyJson;
  try {
    parsed = pythonJsonParse(body);
  } catch (error) {
    if (error instanceof PyJsonDecodeError)
      throw new RayDashboardError(500, aiohttpServerErrorText);
    throw error;
  }
  if (!isPyDict(parsed)) throw new RayDashboardError(500, aiohttpServerErrorText);
  return validateJobSubmitRequest(parsed, options);
}

/**
 * Validates an already parsed body (see {@link parseJobSubmitRequest}).
 * @throws RayDashboardError with status 400
 */
export function validateJobSubmitRequest(
  body: { [key: string]: PyJson },
  options: SubmitRequestOptions,
): JobSubmitRequest {
  const fields: readonly string[] = options.acceptsLabelSelector
    ? [...baseFields, 'entrypoint_label_selector']
    : baseFields;
  const json = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
  const unexpected = Object.keys(json).find((key) => !fields.includes(key));
  if (unexpected !== undefined) {
    throw constructorError(
      `JobSubmitRequest.__init__() got an unexpected keyword argument '${unexpected}'`,
    );
  }
  const entrypoint = json.entrypoint;
  if (entrypoint === undefined) {
    throw constructorError(
      "JobSubmitRequest.__init__() missing 1 required positional argument: 'entrypoint'",
    );
  }
  if (typeof entrypoint !== 'string') {
    throw postInitError(`entrypoint must be a string, got ${pyTypeName(entrypoint)}`);
  }
  for (const key of ['submission_id', 'job_id'] as const) {
    const value = json[key];
    if (value !== undefined && typeof value !== 'string') {
      throw postInitError(`${key} must be a string if provided, got ${pyTypeName(value)}`);
    }
  }
  const runtimeEnv = json.runtime_env;
  if (runtimeEnv !== undefined && !isPyDict(runtimeEnv)) {
    throw postInitError(`runtime_env must be a dict, got ${pyTypeName(runtimeEnv)}`);
  }
  const metadata = checkStringDict(json.metadata, 'metadata');
  for (const key of ['entrypoint_num_cpus', 'entrypoint_num_gpus'] as const) {
    const value = json[key];
    if (value !== undefined && !isPyNumber(value)) {
      throw postInitError(`${key} must be a number, got ${pyTypeName(value)}`);
    }
  }
  const memory = json.entrypoint_memory;
  if (memory !== undefined && !isPyInt(memory)) {
    throw postInitError(`entrypoint_memory must be an integer, got ${pyTypeName(memory)}`);
  }
  const resources = json.entrypoint_resources;
  if (resources !== undefined) {
    if (!isPyDict(resources)) {
      throw postInitError(`entrypoint_resources must be a dict, got ${pyTypeName(resources)}`);
    }
    const wrong = Object.values(resources).find((value) => !isPyNumber(value));
    if (wrong !== undefined) {
      throw postInitError(`entrypoint_resources values must be numbers, got ${pyTypeName(wrong)}`);
    }
  }
  const labelSelector = checkStringDict(
    json.entrypoint_label_selector,
    'entrypoint_label_selector',
  );
  const submissionId = json.submission_id ?? json.job_id;
  return {
    entrypoint,
    ...(typeof submissionId === 'string' ? { submissionId } : {}),
    ...(runtimeEnv !== undefined
      ? { runtimeEnv: toPlainJson(runtimeEnv) as Record<string, unknown> }
      : {}),
    ...(metadata ? { metadata } : {}),
    ...numberField('entrypointNumCpus', json.entrypoint_num_cpus),
    ...numberField('entrypointNumGpus', json.entrypoint_num_gpus),
    ...numberField('entrypointMemory', memory),
    ...(resources !== undefined && isPyDict(resources)
      ? {
          entrypointResources: Object.fromEntries(
            Object.entries(resources).map(([name, value]) => [name, pyNumberValue(value)]),
          ),
        }
      : {}),
    ...(labelSelector ? { entrypointLabelSelector: labelSelector } : {}),
  };
}

/** The snake_case JSON form of a request, for callers inside the sandbox (the operator). */
export function submitRequestFromJson(
  request: JobSubmitRequestJson,
  options: SubmitRequestOptions,
): JobSubmitRequest {
  return parseJobSubmitRequest(JSON.stringify(request), options);
}

function numberField(name: string, value: PyJson | undefined): Record<string, number> {
  return value === undefined ? {} : { [name]: pyNumberValue(value) };
}

function checkStringDict(
  value: PyJson | undefined,
  name: string,
): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPyDict(value)) throw postInitError(`${name} must be a dict, got ${pyTypeName(value)}`);
  const wrong = Object.values(value).find((item) => typeof item !== 'string');
  if (wrong !== undefined) {
    throw postInitError(`${name} values must be strings, got ${pyTypeName(wrong)}`);
  }
  return value as Record<string, string>;
}

const validationFrames = [
  rayFrame(
    'dashboard/modules/job/utils.py',
    74,
    'parse_and_validate_request',
    'return validate_request_type(json_data, request_type)',
  ),
  rayFrame(
    'dashboard/modules/job/common.py',
    391,
    'validate_request_type',
    'return request_type(**json_data)',
  ),
];

function constructorError(message: string): RayDashboardError {
  return new RayDashboardError(400, pythonTraceback(validationFrames, `TypeError: ${message}`));
}

function postInitError(message: string): RayDashboardError {
  const frames = [
    ...validationFrames,
    { file: '<string>', line: 12, function: '__init__', code: '' },
    rayFrame('dashboard/modules/job/common.py', 430, '__post_init__', 'raise TypeError('),
  ];
  return new RayDashboardError(400, pythonTraceback(frames, `TypeError: ${message}`));
}
