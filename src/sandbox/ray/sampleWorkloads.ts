import type { JobScript, JobScriptAction, JobScriptContext } from './jobScriptActions.ts';
import { gpuDeviceName, type RayNodeDescription } from './rayNodes.ts';

/**
 * Simulations of the sample workloads in `workloads/` (the Python scripts Raydeck offers as
 * "Run a sample workload"). Each prints what the real script prints, with numbers that follow
 * from the simulated cluster (its nodes, CPUs and GPUs), and ends with the same `PASS: …` or
 * `FAIL: …` verdict line and exit code.
 */

/** A simulated workload: its arguments (after the script path) and the script's path. */
export type SampleWorkload = (
  args: readonly string[],
  ctx: JobScriptContext,
  script: string,
) => JobScript;

/** `ray.init()` from a driver started by the job supervisor (RAY_ADDRESS points at the GCS). */
export function* rayDriverConnect(
  ctx: JobScriptContext,
): Generator<JobScriptAction, void, boolean> {
  yield { kind: 'sleep', ms: 1200 };
  const gcs = `${ctx.headIp}:6379`;
  yield {
    kind: 'log',
    level: 'INFO',
    source: 'worker.py:1691',
    message: `Using address ${gcs} set in the environment variable RAY_ADDRESS`,
  };
  yield {
    kind: 'log',
    level: 'INFO',
    source: 'worker.py:1832',
    message: `Connecting to existing Ray cluster at address: ${gcs}...`,
  };
  yield { kind: 'sleep', ms: 40 };
  yield { kind: 'connectDriver' };
  yield {
    kind: 'log',
    level: 'INFO',
    source: 'worker.py:2003',
    message: `Connected to Ray cluster. View the dashboard at http://${ctx.headIp}:8265 `,
  };
}

interface ArgSpec {
  name: string;
  type: 'int' | 'float' | 'flag';
  default: number | boolean;
}

/** What argparse leaves after parsing, or the exit (code 2) with its usage message. */
type ParsedArgs =
  { ok: true; values: Record<string, number | boolean> } | { ok: false; lines: string[] };

/** A small argparse: `--name value`, `--name=value` and flags, with argparse's error texts. */
export function parseArgs(
  script: string,
  specs: readonly ArgSpec[],
  args: readonly string[],
): ParsedArgs {
  const usage = `usage: ${script} [-h] ${specs
    .map((spec) =>
      spec.type === 'flag'
        ? `[--${spec.name}]`
        : `[--${spec.name} ${spec.name.toUpperCase().replaceAll('-', '_')}]`,
    )
    .join(' ')}`;
  const error = (message: string): ParsedArgs => ({
    ok: false,
    lines: [usage, `${script}: error: ${message}`],
  });
  const values: Record<string, number | boolean> = Object.fromEntries(
    specs.map((spec) => [spec.name, spec.default]),
  );
  const unrecognized: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    const [flag = '', inline] = arg.startsWith('--') ? splitOnce(arg, '=') : [arg, undefined];
    const spec = specs.find((candidate) => `--${candidate.name}` === flag);
    if (!spec) {
      unrecognized.push(arg);
      continue;
    }
    if (spec.type === 'flag') {
      values[spec.name] = true;
      continue;
    }
    const raw = inline ?? args[++index];
    if (raw === undefined) return error(`argument --${spec.name}: expected one argument`);
    const parsed =
      spec.type === 'int' ? (/^[-+]?\d+$/.test(raw) ? Number(raw) : Number.NaN) : Number(raw);
    if (Number.isNaN(parsed) || raw.trim() === '') {
      return error(`argument --${spec.name}: invalid ${spec.type} value: '${raw}'`);
    }
    values[spec.name] = parsed;
  }
  if (unrecognized.length > 0) return error(`unrecognized arguments: ${unrecognized.join(' ')}`);
  return { ok: true, values };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function* argparseExit(lines: readonly string[]): JobScript {
  for (const line of lines) yield { kind: 'print', text: line };
  return 2;
}

const num = (values: Record<string, number | boolean>, name: string): number =>
  Number(values[name]);

function cpuNodes(ctx: JobScriptContext): RayNodeDescription[] {
  return ctx.nodes().filter((node) => node.cpus > 0);
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Python's `repr()` of a float, close enough for printed results (`0.0101534`, `1e-05`). */
function pyFloat(value: number): string {
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** `workloads/gpu_check.py`: one actor per GPU reports its device (as with PyTorch installed). */
export function* gpuCheck(
  args: readonly string[],
  ctx: JobScriptContext,
  script: string,
): JobScript {
  const parsed = parseArgs(
    script,
    [
      { name: 'expect-gpus', type: 'int', default: 0 },
      { name: 'timeout', type: 'float', default: 900 },
    ],
    args,
  );
  if (!parsed.ok) return yield* argparseExit(parsed.lines);
  yield* rayDriverConnect(ctx);
  yield { kind: 'sleep', ms: 300 };
  const reported = ctx.nodes().reduce((sum, node) => sum + node.gpus, 0);
  const expected = num(parsed.values, 'expect-gpus') || reported;
  yield { kind: 'print', text: `Ray reports ${reported} GPU(s); checking ${expected}.` };
  if (expected === 0) {
    yield {
      kind: 'print',
      text: 'FAIL: Ray sees no GPU (on an autoscaling cluster, pass --expect-gpus N)',
    };
    return 1;
  }
  const timeout = num(parsed.values, 'timeout');
  const ready = yield {
    kind: 'waitFor',
    bundles: Array.from({ length: expected }, () => ({ GPU: 1 })),
    timeoutMs: timeout * 1000,
  };
  yield { kind: 'sleep', ms: 2500 };
  const devices = ctx
    .nodes()
    .flatMap((node) => Array.from({ length: node.gpus }, (_, index) => ({ node, index })))
    .slice(0, expected);
  for (const { node, index } of devices) {
    const name = node.gpuProduct ? gpuDeviceName(node.gpuProduct) : 'NVIDIA GPU';
    yield {
      kind: 'print',
      text: `  ${node.name} GPU ${index} (CUDA_VISIBLE_DEVICES=${index}) ${name}: matmul ok`,
    };
  }
  if (!ready || devices.length < expected) {
    yield {
      kind: 'print',
      text: `FAIL: only ${devices.length} of ${expected} GPUs came up within ${timeout.toFixed(0)} s`,
    };
    return 1;
  }
  yield { kind: 'print', text: `PASS: ${expected} GPU(s) visible to Ray, each on its own device` };
  return 0;
}

/** `workloads/pi_tasks.py`: Monte Carlo pi over many tasks, spread over the CPU nodes. */
export function* piTasks(
  args: readonly string[],
  ctx: JobScriptContext,
  script: string,
): JobScript {
  const parsed = parseArgs(
    script,
    [
      { name: 'tasks', type: 'int', default: 32 },
      { name: 'samples', type: 'int', default: 1_000_000 },
      { name: 'tolerance', type: 'float', default: 0.01 },
    ],
    args,
  );
  if (!parsed.ok) return yield* argparseExit(parsed.lines);
  const tasks = num(parsed.values, 'tasks');
  const samples = num(parsed.values, 'samples');
  yield* rayDriverConnect(ctx);
  yield { kind: 'waitFor', bundles: [{ CPU: 1 }] };
  const nodes = cpuNodes(ctx);
  const cpus = nodes.reduce((sum, node) => sum + node.cpus, 0);
  // Pure-Python darts: about 2.5 million samples a second per CPU.
  const seconds = Math.max(
    0.5,
    (tasks * samples) / (Math.max(1, Math.min(tasks, cpus)) * 2_500_000),
  );
  yield { kind: 'sleep', ms: Math.round(seconds * 1000) };
  const hosts = nodes
    .slice(0, Math.max(1, Math.min(tasks, nodes.length)))
    .map((node) => node.name)
    .sort();
  const estimate =
    Math.PI + gaussian(ctx.random) * Math.sqrt((Math.PI * (4 - Math.PI)) / (tasks * samples));
  const error = Math.abs(estimate - Math.PI);
  yield {
    kind: 'print',
    text: `${tasks} tasks on ${hosts.length} node(s) in ${seconds.toFixed(1)} s: ${hosts.join(', ')}`,
  };
  yield { kind: 'print', text: `pi is about ${estimate.toFixed(6)} (error ${error.toFixed(6)})` };
  if (error > num(parsed.values, 'tolerance')) {
    yield {
      kind: 'print',
      text: `FAIL: error ${error.toFixed(4)} exceeds ${num(parsed.values, 'tolerance')}; task results are wrong`,
    };
    return 1;
  }
  yield { kind: 'print', text: `PASS: ${tasks} tasks completed on ${hosts.length} node(s)` };
  return 0;
}

/** `workloads/actor_pool.py`: words streamed through a pool of stateful actors. */
export function* actorPool(
  args: readonly string[],
  ctx: JobScriptContext,
  script: string,
): JobScript {
  const parsed = parseArgs(
    script,
    [
      { name: 'actors', type: 'int', default: 4 },
      { name: 'words', type: 'int', default: 2000 },
    ],
    args,
  );
  if (!parsed.ok) return yield* argparseExit(parsed.lines);
  const actors = Math.max(1, num(parsed.values, 'actors'));
  const words = num(parsed.values, 'words');
  yield* rayDriverConnect(ctx);
  yield { kind: 'waitFor', bundles: Array.from({ length: actors }, () => ({ CPU: 0.5 })) };
  yield { kind: 'sleep', ms: 1500 + words };
  const hosts = cpuNodes(ctx).flatMap((node) =>
    Array.from({ length: Math.max(1, Math.floor(node.cpus / 0.5)) }, () => node.name),
  );
  const weights = Array.from({ length: actors }, () => 0.8 + 0.4 * ctx.random());
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const counts = weights.map((weight) => Math.floor((weight / total) * words));
  counts[0] = (counts[0] ?? 0) + words - counts.reduce((sum, count) => sum + count, 0);
  for (const [index, count] of counts.entries()) {
    yield {
      kind: 'print',
      text: `  actor ${index} on ${hosts[index % Math.max(1, hosts.length)] ?? 'localhost'}: ${count} words`,
    };
  }
  const busy = counts.filter((count) => count > 0).length;
  yield { kind: 'print', text: `PASS: ${words} items through ${actors} actors (${busy} did work)` };
  return 0;
}

/** One Ray Data execution's log lines (Ray 2.58's `streaming_executor.py`), `seconds` long. */
function* rayDataExecution(dataset: string, plan: string, seconds: number): JobScript {
  yield {
    kind: 'log',
    level: 'INFO',
    source: 'streaming_executor.py:214',
    message: `Starting execution of Dataset ${dataset}. Full logs are in /tmp/ray/session_latest/logs/ray-data`,
  };
  yield {
    kind: 'log',
    level: 'INFO',
    source: 'streaming_executor.py:215',
    message: `Execution plan of Dataset ${dataset}: ${plan}`,
  };
  yield { kind: 'sleep', ms: Math.round(seconds * 1000) };
  yield {
    kind: 'log',
    level: 'INFO',
    source: 'streaming_executor.py:365',
    message: `✔️  Dataset ${dataset} execution finished in ${seconds.toFixed(2)} seconds`,
  };
  return 0;
}

/** `workloads/data_batch.py`: a Ray Data pipeline whose sum of squares has a closed form. */
export function* dataBatch(
  args: readonly string[],
  ctx: JobScriptContext,
  script: string,
): JobScript {
  const parsed = parseArgs(
    script,
    [
      { name: 'rows', type: 'int', default: 1_000_000 },
      { name: 'batch-size', type: 'int', default: 10_000 },
    ],
    args,
  );
  if (!parsed.ok) return yield* argparseExit(parsed.lines);
  const rows = num(parsed.values, 'rows');
  if (!(rows > 0 && rows <= 3_000_000)) {
    return yield* argparseExit([
      `usage: ${script} [-h] [--rows ROWS] [--batch-size BATCH_SIZE]`,
      `${script}: error: --rows must be between 1 and 3,000,000`,
    ]);
  }
  yield* rayDriverConnect(ctx);
  yield { kind: 'waitFor', bundles: [{ CPU: 1 }] };
  // As Ray 2.58 logs them: materialize() runs the map once, then sum() aggregates its blocks.
  const seconds = 2 + rows / 500_000;
  yield* rayDataExecution(
    'dataset_1_0',
    'InputDataBuffer[Input] -> TaskPoolMapOperator[ReadRange] -> TaskPoolMapOperator[MapBatches(square_batch)]',
    seconds,
  );
  yield* rayDataExecution(
    'dataset_2_0',
    'InputDataBuffer[Input] -> TaskPoolMapOperator[Project] -> HashAggregateOperator[HashAggregate(key_columns=(), num_partitions=1)] -> LimitOperator[limit=1]',
    2,
  );
  const n = BigInt(rows);
  const expected = ((n - 1n) * n * (2n * n - 1n)) / 6n;
  yield {
    kind: 'print',
    text: `${rows} rows, sum of squares ${expected} in ${(seconds + 2).toFixed(1)} s (expected ${expected})`,
  };
  yield {
    kind: 'print',
    text: `PASS: Ray Data processed ${rows} rows in batches of ${num(parsed.values, 'batch-size')}`,
  };
  return 0;
}

/** `workloads/train_tiny.py`: data-parallel training whose loss falls to the noise floor. */
export function* trainTiny(
  args: readonly string[],
  ctx: JobScriptContext,
  script: string,
): JobScript {
  const parsed = parseArgs(
    script,
    [
      { name: 'workers', type: 'int', default: 2 },
      { name: 'gpu', type: 'flag', default: false },
      { name: 'epochs', type: 'int', default: 200 },
      { name: 'rows', type: 'int', default: 4096 },
    ],
    args,
  );
  if (!parsed.ok) return yield* argparseExit(parsed.lines);
  const workers = Math.max(1, num(parsed.values, 'workers'));
  const epochs = Math.max(1, num(parsed.values, 'epochs'));
  const gpu = parsed.values.gpu === true;
  yield* rayDriverConnect(ctx);
  yield { kind: 'print', text: 'PyTorch found: TorchTrainer' };
  // Ray Train V2's lines (the default from Ray 2.51), as Ray 2.58 prints them.
  const bundle: Record<string, number> = gpu ? { CPU: 1, GPU: 1 } : { CPU: 1 };
  const bundleText = gpu ? "{'CPU': 1, 'GPU': 1}" : "{'CPU': 1}";
  const controller = `(TrainController pid=${ctx.pid('TrainController')})`;
  yield { kind: 'print', text: `${controller} Requesting resources: ${bundleText} * ${workers}` };
  yield {
    kind: 'print',
    text: `${controller} Attempting to start training worker group of size ${workers} with the following resources: [${bundleText}] * ${workers}`,
  };
  yield { kind: 'waitFor', bundles: Array.from({ length: workers }, () => bundle) };
  yield { kind: 'sleep', ms: 3000 };
  const workerIp = (
    ctx.nodes().find((node) => (gpu ? node.gpus > 0 : node.cpus > 0)) ?? { ip: ctx.headIp }
  ).ip;
  const workerPid = (rank: number): number => ctx.pid(`RayTrainWorker-${rank}`);
  const worker = `(RayTrainWorker pid=${workerPid(0)}, ip=${workerIp})`;
  yield {
    kind: 'print',
    text: `${worker} Setting up process group for: env:// [rank=0, world_size=${workers}]`,
  };
  yield { kind: 'print', text: `${controller} Started training worker group of size ${workers}: ` };
  for (let rank = 0; rank < workers; rank++) {
    yield {
      kind: 'print',
      text: `${controller} - (ip=${workerIp}, pid=${workerPid(rank)}) world_rank=${rank}, local_rank=${rank}, node_rank=0`,
    };
  }
  const device = gpu ? 'cuda:0' : 'cpu';
  yield { kind: 'print', text: `${worker} Moving model to device: ${device}` };
  yield { kind: 'print', text: `${worker} Wrapping provided model in DistributedDataParallel.` };
  const lossAt = (epoch: number): number =>
    0.0101 + 13 * Math.exp(-epoch / Math.max(1, epochs / 11)) * (1 + 0.05 * gaussian(ctx.random));
  // The script reports every 20 epochs and at the last one; rank 0's reports are shown (Ray
  // deduplicates the other ranks' identical-looking lines).
  const reported = Array.from({ length: epochs }, (_, epoch) => epoch).filter(
    (epoch) => epoch % 20 === 0 || epoch === epochs - 1,
  );
  let previous = 0;
  for (const [index, epoch] of reported.entries()) {
    yield { kind: 'sleep', ms: 20 * (epoch - previous) };
    previous = epoch;
    yield {
      kind: 'print',
      text: `${worker} Reporting training result ${index + 1}: TrainingReport(checkpoint=None, metrics={'epoch': ${epoch}, 'loss': ${pyFloat(lossAt(epoch))}, 'device': '${device}'}, validation=False) from rank 0`,
    };
  }
  const loss = 0.0101 + 0.0003 * ctx.random();
  yield { kind: 'sleep', ms: 1500 };
  yield { kind: 'print', text: `${workers} worker(s) on ${device}: final loss ${pyFloat(loss)}` };
  yield {
    kind: 'print',
    text: `PASS: ${workers} Ray Train worker(s) converged (loss ${loss.toFixed(4)})`,
  };
  return 0;
}

/** `workloads/serve_hello.py`: deploys a two-replica app, sends it requests, removes it. */
export function* serveHello(
  args: readonly string[],
  ctx: JobScriptContext,
  script: string,
): JobScript {
  const parsed = parseArgs(
    script,
    [
      { name: 'requests', type: 'int', default: 10 },
      { name: 'port', type: 'int', default: 8000 },
      { name: 'keep', type: 'flag', default: false },
    ],
    args,
  );
  if (!parsed.ok) return yield* argparseExit(parsed.lines);
  const requests = num(parsed.values, 'requests');
  yield* rayDriverConnect(ctx);
  yield { kind: 'waitFor', bundles: [{ CPU: 0.5 }, { CPU: 0.5 }] };
  const controller = ctx.pid('ServeController');
  const serveLine = (actor: string, component: string, message: string) => (nowMs: number) =>
    `(${actor} pid=${ctx.pid(actor)}) INFO ${formatRayLogTime(nowMs)} ${component} -- ${message}`;
  yield {
    kind: 'print',
    text: serveLine(
      'ProxyActor',
      `proxy ${ctx.headIp}`,
      `Proxy starting on node (HTTP port: ${num(parsed.values, 'port')}).`,
    ),
  };
  yield {
    kind: 'print',
    text: serveLine(
      'ServeController',
      `controller ${controller}`,
      "Deploying new version of Deployment(name='Hello', app='hello') (initial target replicas: 2).",
    ),
  };
  yield { kind: 'sleep', ms: 2500 };
  yield {
    kind: 'print',
    text: serveLine(
      'ServeController',
      `controller ${controller}`,
      "Adding 2 replicas to Deployment(name='Hello', app='hello').",
    ),
  };
  yield { kind: 'sleep', ms: 1000 + requests * 20 };
  const hosts = [
    ...new Set(
      cpuNodes(ctx)
        .slice(0, 2)
        .map((node) => node.name),
    ),
  ].sort();
  yield {
    kind: 'print',
    text: `${requests} requests, 0 failed, answered from [${hosts.map((host) => `'${host}'`).join(', ')}]`,
  };
  yield { kind: 'print', text: `PASS: Ray Serve answered ${requests} requests at /hello` };
  return 0;
}

/** The sample workloads by script file name. */
export const sampleWorkloads: Readonly<Record<string, SampleWorkload>> = {
  'gpu_check.py': gpuCheck,
  'pi_tasks.py': piTasks,
  'actor_pool.py': actorPool,
  'data_batch.py': dataBatch,
  'train_tiny.py': trainTiny,
  'serve_hello.py': serveHello,
};

/** Ray's log time format (Python `logging` default): `2026-01-01 00:00:01,500`, in UTC. */
export function formatRayLogTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}
