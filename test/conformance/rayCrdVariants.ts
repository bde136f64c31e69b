import type { FieldValidation } from '../../src/sandbox/apiserver/structuralSchema.ts';

/** A JSON object as parsed from a sample manifest. */
export type Manifest = Record<string, unknown>;

/**
 * One request derived from an upstream sample: the object, the stored object when it is an
 * update, the fieldValidation mode, and whether a correct API server must reject it (checked
 * too, so a variant that breaks nothing cannot pass unnoticed).
 */
export interface RayCrdVariant {
  readonly name: string;
  readonly object: Manifest;
  readonly oldObject?: Manifest;
  readonly fieldValidation: FieldValidation;
  readonly rejected: boolean;
}

type Path = readonly (string | number)[];

function copy(value: Manifest): Manifest {
  return structuredClone(value);
}

function get(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> | undefined {
  const parent = get(root, path.slice(0, -1));
  return typeof parent === 'object' && parent !== null
    ? (parent as Record<string | number, unknown>)
    : undefined;
}

/** A copy with `path` set to `value`, or undefined when the parent does not exist. */
function withValue(object: Manifest, path: Path, value: unknown): Manifest | undefined {
  const next = copy(object);
  const parent = parentOf(next, path);
  const last = path[path.length - 1];
  if (!parent || last === undefined) return undefined;
  parent[last] = value;
  return next;
}

/** A copy without `path`, or undefined when there is nothing to remove. */
function without(object: Manifest, path: Path): Manifest | undefined {
  if (get(object, path) === undefined) return undefined;
  const next = copy(object);
  const parent = parentOf(next, path);
  const last = path[path.length - 1];
  if (!parent || last === undefined) return undefined;
  Reflect.deleteProperty(parent, last);
  return next;
}

/** A copy whose list at `path` gets a duplicate of its first item appended. */
function withDuplicateFirst(object: Manifest, path: Path): Manifest | undefined {
  const items = get(object, path);
  if (!Array.isArray(items) || items.length === 0) return undefined;
  return withValue(object, path, [...items, structuredClone(items[0])]);
}

/** Where a RayClusterSpec sits in each kind. */
const clusterSpecPaths: Readonly<Record<string, Path>> = {
  RayCluster: ['spec'],
  RayJob: ['spec', 'rayClusterSpec'],
  RayService: ['spec', 'rayClusterConfig'],
  RayCronJob: ['spec', 'jobTemplate', 'rayClusterSpec'],
};

/** The longest valid name per kind (KubeRay's limits, restated here on purpose). */
const nameLimits: Readonly<Record<string, number>> = {
  RayCluster: 53,
  RayJob: 47,
  RayService: 47,
  RayCronJob: 36,
};

/**
 * The corpus of deliberately broken (and a few deliberately valid) variants of one sample
 * object: bad enums, missing required fields, wrong types, unknown fields under Strict, names
 * too long or not DNS-1035, nulls where they are not allowed (and where a default applies),
 * duplicates in list-type maps, CEL rule violations on create and update, and ratcheting of an
 * unchanged invalid field.
 */
export function rayCrdVariants(sample: Manifest): RayCrdVariant[] {
  const kind = String(sample['kind']);
  const out: RayCrdVariant[] = [];
  const add = (
    name: string,
    object: Manifest | undefined,
    rejected: boolean,
    extra: { fieldValidation?: FieldValidation; oldObject?: Manifest } = {},
  ): void => {
    if (!object) return;
    out.push({
      name,
      object,
      rejected,
      fieldValidation: extra.fieldValidation ?? 'Strict',
      ...(extra.oldObject ? { oldObject: extra.oldObject } : {}),
    });
  };

  add('as published, Ignore', copy(sample), false, { fieldValidation: 'Ignore' });
  add('as published, Warn', copy(sample), false, { fieldValidation: 'Warn' });
  add('as published, Strict', copy(sample), false);

  const limit = nameLimits[kind] ?? 63;
  add(
    'name at the length limit',
    withValue(sample, ['metadata', 'name'], 'n'.repeat(limit)),
    false,
  );
  add('name too long', withValue(sample, ['metadata', 'name'], 'n'.repeat(limit + 1)), true);
  add('name not a DNS-1035 label', withValue(sample, ['metadata', 'name'], 'Bad_Name'), true);

  const cs = clusterSpecPaths[kind];
  if (cs && get(sample, cs) !== undefined) {
    const head = [...cs, 'headGroupSpec'];
    const headPod = [...head, 'template', 'spec'];
    const headContainer = [...headPod, 'containers', 0];
    const worker = [...cs, 'workerGroupSpecs', 0];
    const hasWorker = get(sample, worker) !== undefined;

    add(
      'bad enum upgradeStrategy.type',
      withValue(sample, [...cs, 'upgradeStrategy'], { type: 'Sideways' }),
      true,
    );
    add(
      'bad enum autoscalerOptions.upscalingMode',
      withValue(sample, [...cs, 'autoscalerOptions'], {
        ...(get(sample, [...cs, 'autoscalerOptions']) as object | undefined),
        upscalingMode: 'Fast',
      }),
      true,
    );
    add('missing headGroupSpec', without(sample, head), true);
    add('missing head template containers', without(sample, [...headPod, 'containers']), true);
    add('missing head container name', without(sample, [...headContainer, 'name']), true);
    if (hasWorker) {
      add('missing worker groupName', without(sample, [...worker, 'groupName']), true);
      add('missing worker template', without(sample, [...worker, 'template']), true);
      add('replicas of the wrong type', withValue(sample, [...worker, 'replicas'], 'three'), true);
      add(
        'replicas null takes the default',
        withValue(sample, [...worker, 'replicas'], null),
        false,
      );
      add(
        'unknown worker group field, Strict',
        withValue(sample, [...worker, 'bogus'], true),
        true,
      );
      add('null worker group', withValue(sample, [...cs, 'workerGroupSpecs'], [null]), true);
    }
    add(
      'rayStartParams of the wrong type',
      withValue(sample, [...head, 'rayStartParams'], ['num-cpus']),
      true,
    );
    add(
      'enableInTreeAutoscaling of the wrong type',
      withValue(sample, [...cs, 'enableInTreeAutoscaling'], 'yes'),
      true,
    );
    add(
      'cpu limit of the wrong type',
      withValue(sample, [...headContainer, 'resources'], { limits: { cpu: true } }),
      true,
    );
    add(
      'memory limit not a quantity',
      withValue(sample, [...headContainer, 'resources'], { limits: { memory: '4 GB' } }),
      true,
    );
    add('unknown spec field, Strict', withValue(sample, [...cs, 'unknownField'], 1), true);
    add('unknown spec field, Ignore', withValue(sample, [...cs, 'unknownField'], 1), false, {
      fieldValidation: 'Ignore',
    });
    add(
      'unknown container field, Strict',
      withValue(sample, [...headContainer, 'imagePullPolicyy'], 'Always'),
      true,
    );
    add(
      'unknown pod spec field, Strict',
      withValue(sample, [...headPod, 'nodeSelectr'], { a: 'b' }),
      true,
    );
    add('null headGroupSpec', withValue(sample, head, null), true);
    add('null container argument', withValue(sample, [...headContainer, 'args'], [null]), true);
    add('managedBy not allowed', withValue(sample, [...cs, 'managedBy'], 'someone-else'), true);
    add('duplicate head container', withDuplicateFirst(sample, [...headPod, 'containers']), true);
    add('duplicate container port', withDuplicateFirst(sample, [...headContainer, 'ports']), true);
    add(
      'duplicate environment variable',
      withDuplicateFirst(sample, [...headContainer, 'env']),
      true,
    );
    add('duplicate volume', withDuplicateFirst(sample, [...headPod, 'volumes']), true);

    const redis = withValue(sample, [...cs, 'gcsFaultToleranceOptions'], {
      ...(get(sample, [...cs, 'gcsFaultToleranceOptions']) as object | undefined),
      backend: 'redis',
    });
    const rocksdb =
      redis && withValue(redis, [...cs, 'gcsFaultToleranceOptions', 'backend'], 'rocksdb');
    add('GCS backend on create', rocksdb, false);
    if (redis) add('GCS backend changed on update', rocksdb, true, { oldObject: redis });
    if (redis) add('GCS backend unchanged on update', redis, false, { oldObject: redis });

    const stale = withValue(sample, [...cs, 'upgradeStrategy'], { type: 'Sideways' });
    const touched = stale && withValue(stale, ['metadata', 'labels'], { touched: 'yes' });
    if (stale)
      add('unchanged invalid field is ratcheted on update', touched, false, { oldObject: stale });
  }

  if (kind === 'RayJob' || kind === 'RayCronJob') {
    const job = kind === 'RayJob' ? ['spec'] : ['spec', 'jobTemplate'];
    add(
      'legacy and rule-based deletion together',
      withValue(sample, [...job, 'deletionStrategy'], {
        onSuccess: { policy: 'DeleteCluster' },
        onFailure: { policy: 'DeleteNone' },
        deletionRules: [{ policy: 'DeleteSelf', condition: { jobStatus: 'SUCCEEDED' } }],
      }),
      true,
    );
    add(
      'deletion rule without a condition field',
      withValue(sample, [...job, 'deletionStrategy'], {
        deletionRules: [{ policy: 'DeleteSelf', condition: {} }],
      }),
      true,
    );
    add(
      'deletion rule with a bad policy',
      withValue(sample, [...job, 'deletionStrategy'], {
        deletionRules: [{ policy: 'DeleteEverything', condition: { jobStatus: 'FAILED' } }],
      }),
      true,
    );
    add(
      'empty deletion rules',
      withValue(sample, [...job, 'deletionStrategy'], { deletionRules: [] }),
      true,
    );
    add(
      'pre-running deadline below 1',
      withValue(sample, [...job, 'preRunningDeadlineSeconds'], 0),
      true,
    );
    add('submissionMode of the wrong type', withValue(sample, [...job, 'submissionMode'], 5), true);
    add(
      'entrypointNumCpus of the wrong type',
      withValue(sample, [...job, 'entrypointNumCpus'], 'two'),
      true,
    );
  }

  if (kind === 'RayService') {
    add('missing rayClusterConfig', without(sample, ['spec', 'rayClusterConfig']), true);
    add(
      'negative cluster deletion delay',
      withValue(sample, ['spec', 'rayClusterDeletionDelaySeconds'], -1),
      true,
    );
    add(
      'incremental upgrade without its required options',
      withValue(sample, ['spec', 'upgradeStrategy'], {
        type: 'NewClusterWithIncrementalUpgrade',
        clusterUpgradeOptions: {},
      }),
      true,
    );
    add(
      'serve port of the wrong type',
      withValue(sample, ['spec', 'serveService', 'spec', 'ports', 0, 'port'], '8000'),
      true,
    );
  }

  if (kind === 'RayCronJob') {
    add('missing schedule', without(sample, ['spec', 'schedule']), true);
    add('missing jobTemplate', without(sample, ['spec', 'jobTemplate']), true);
    add('empty time zone', withValue(sample, ['spec', 'timeZone'], ''), true);
  }

  return out;
}
