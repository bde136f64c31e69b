import type { PodLogSource } from '../../apiserver/apiRequestHandler.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import { badRequest } from '../../apiserver/statusError.ts';
import type { SimClock } from '../../world/simClock.ts';
import type { ContainerRuntime, ContainerSpec, PodRuntime } from './kubelet.ts';

interface LogLine {
  /** Milliseconds after the container instance started. */
  at: number;
  /** The line, or a function of the line's simulated epoch milliseconds. */
  text: string | ((epochMs: number) => string);
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `1:M 01 Jan 2026 00:00:05.123 *`, the prefix of Redis server log lines. */
function redisLine(role: 'C' | 'M', message: string): (epochMs: number) => string {
  return (epochMs) => {
    const date = new Date(epochMs);
    const day = String(date.getUTCDate()).padStart(2, '0');
    const time = date.toISOString().slice(11, 23);
    return `1:${role} ${day} ${months[date.getUTCMonth()] ?? ''} ${date.getUTCFullYear()} ${time} * ${message}`;
  };
}

/** `2026-01-01 00:00:05,123`, the asctime format of Ray's Python loggers (UTC in the container). */
function rayTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

function commandLine(container: ContainerSpec): string {
  return [...(container.command ?? []), ...(container.args ?? [])].join(' ');
}

function flagValue(command: string, flag: string): string | undefined {
  return new RegExp(`--${flag}[= ]([^\\s;]+)`).exec(command)?.[1];
}

function isRay(pod: KubeObject, container: ContainerSpec): boolean {
  return (
    /\bray start\b/.test(commandLine(container)) ||
    Boolean(
      pod.metadata?.labels?.['ray.io/node-type'] &&
      container ===
        ((pod['spec'] as { containers?: ContainerSpec[] } | undefined)?.containers ?? [])[0],
    )
  );
}

/** `ray start` output, as Ray 2.x prints it for a head or a worker node. */
function rayStartLines(pod: KubeObject, container: ContainerSpec, podIp: string): LogLine[] {
  const command = commandLine(container);
  const head = /--head\b/.test(command) || pod.metadata?.labels?.['ray.io/node-type'] === 'head';
  const gcsPort = flagValue(command, 'port') ?? '6379';
  const dashboardPort = flagValue(command, 'dashboard-port') ?? '8265';
  const info = (at: number, source: string, text: string): LogLine => ({
    at,
    text: `INFO ${source} -- ${text}`,
  });
  const succ = (at: number, text: string): LogLine => ({
    at,
    text: `SUCC scripts.py:971 -- ${text}`,
  });
  const lines: LogLine[] = [
    info(
      400,
      'usage_lib.py:473',
      'Usage stats collection is enabled by default without user confirmation because this terminal is detected to be non-interactive. To disable this, add `--disable-usage-stats` to the command that starts the cluster, or run the following command: `ray disable-usage-stats` before starting the cluster. See https://docs.ray.io/en/master/cluster/usage-stats.html for more details.',
    ),
    info(410, 'scripts.py:913', `Local node IP: ${podIp}`),
    succ(2600, '--------------------'),
    succ(2600, 'Ray runtime started.'),
    succ(2600, '--------------------'),
  ];
  if (head) {
    lines.push(
      info(2600, 'scripts.py:973', 'Next steps'),
      info(2600, 'scripts.py:976', 'To add another node to this Ray cluster, run'),
      info(2600, 'scripts.py:979', `  ray start --address='${podIp}:${gcsPort}'`),
      info(2600, 'scripts.py:988', 'To connect to this Ray cluster:'),
      info(2600, 'scripts.py:990', 'import ray'),
      info(2600, 'scripts.py:991', 'ray.init()'),
      info(2600, 'scripts.py:1003', 'To submit a Ray job using the Ray Jobs CLI:'),
      info(
        2600,
        'scripts.py:1004',
        `  RAY_API_SERVER_ADDRESS='http://${podIp}:${dashboardPort}' ray job submit --working-dir . -- python my_script.py`,
      ),
      info(2600, 'scripts.py:1022', 'To terminate the Ray runtime, run'),
      info(2600, 'scripts.py:1023', '  ray stop'),
      info(2600, 'scripts.py:1026', 'To view the status of the cluster, use'),
      info(2600, 'scripts.py:1027', '  ray status'),
      info(2600, 'scripts.py:1031', 'To monitor and debug Ray, view the dashboard at '),
      info(2600, 'scripts.py:1032', `  ${podIp}:${dashboardPort}`),
      info(
        2600,
        'scripts.py:1039',
        'If connection to the dashboard fails, check your firewall settings and network configuration.',
      ),
    );
  } else {
    lines.push(
      info(2600, 'scripts.py:1045', 'To terminate the Ray runtime, run'),
      info(2600, 'scripts.py:1046', '  ray stop'),
    );
  }
  if (/--block\b/.test(command)) {
    lines.push(
      info(2601, 'scripts.py:1143', '--block'),
      info(
        2601,
        'scripts.py:1144',
        'This command will now block forever until terminated by a signal.',
      ),
      info(
        2601,
        'scripts.py:1147',
        'Running subprocesses are monitored and a message will be printed if any of them terminate unexpectedly. Subprocesses exit with SIGTERM will be treated as graceful, thus NOT reported.',
      ),
    );
  }
  return lines;
}

/** What `echo` would print for a shell command line (`echo hello; exit 0` prints `hello`). */
function echoedLines(command: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const match of command.matchAll(/\becho\s+(?:"([^"]*)"|'([^']*)'|([^;&|]*))/g)) {
    const text = (match[1] ?? match[2] ?? match[3] ?? '').trim();
    lines.push({ at: 50 + lines.length * 10, text });
  }
  return lines;
}

function genericLines(container: ContainerRuntime, podIp: string): LogLine[] {
  const { spec, image } = container;
  const echoed = echoedLines(commandLine(spec));
  if (echoed.length > 0) return echoed;
  if (/(^|\/)redis$/.test(image.repository)) {
    return [
      { at: 5, text: redisLine('C', 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo') },
      {
        at: 5,
        text: redisLine(
          'C',
          `Redis version=${image.tag || 'unknown'}, bits=64, commit=00000000, modified=0, pid=1, just started`,
        ),
      },
      { at: 6, text: redisLine('C', 'Configuration loaded') },
      { at: 7, text: redisLine('M', 'Running mode=standalone, port=6379.') },
      { at: 8, text: redisLine('M', 'Server initialized') },
      { at: 9, text: redisLine('M', 'Ready to accept connections tcp') },
    ];
  }
  const ports = (spec.ports ?? []).map((port) => port.containerPort);
  return [
    { at: 20, text: `Starting ${image.normalized} (simulated by the Raydeck sandbox)` },
    ...(ports.length > 0
      ? [{ at: 60, text: `Listening on ${ports.map((port) => `${podIp}:${port}`).join(', ')}` }]
      : []),
  ];
}

function crashLines(durationMs: number): LogLine[] {
  return [
    { at: durationMs - 20, text: 'Traceback (most recent call last):' },
    { at: durationMs - 20, text: '  File "/app/main.py", line 42, in <module>' },
    { at: durationMs - 20, text: '    main()' },
    { at: durationMs - 20, text: '  File "/app/main.py", line 37, in main' },
    {
      at: durationMs - 20,
      text: '    raise RuntimeError("simulated crash (RAYDECK_SIM_CRASH=1)")',
    },
    { at: durationMs - 10, text: 'RuntimeError: simulated crash (RAYDECK_SIM_CRASH=1)' },
  ];
}

/**
 * The log text of one container instance up to `now`: `ray start` output for Ray containers
 * (with the dashboard address on the head), what `echo` prints for shell commands, a line or
 * two for other images, and a Python traceback at the end of a crashing instance.
 */
export function containerLogText(input: {
  pod: KubeObject;
  container: ContainerRuntime;
  podIp: string;
  startedAt: number;
  finishedAt: number | undefined;
  crashed: boolean;
  now: number;
}): string[] {
  const { pod, container, podIp, startedAt, finishedAt, crashed, now } = input;
  const ray = isRay(pod, container.spec);
  let lines = ray ? rayStartLines(pod, container.spec, podIp) : genericLines(container, podIp);
  const end = finishedAt ?? now;
  if (crashed && finishedAt !== undefined)
    lines = [
      ...lines.filter((line) => startedAt + line.at < finishedAt - 20),
      ...crashLines(finishedAt - startedAt),
    ];
  return lines
    .filter((line) => startedAt + line.at <= end)
    .map((line) => {
      const text = typeof line.text === 'string' ? line.text : line.text(startedAt + line.at);
      return ray ? `${rayTime(startedAt + line.at)}\t${text}` : text;
    });
}

/**
 * The sandbox's `pods/{name}/log`: logs of the container's current instance (or, while it
 * waits to restart, of its last one, as the kubelet serves them), with Kubernetes' 400 errors
 * for an ambiguous or unknown container and for a container that has not started.
 */
export function simulatedPodLogs(
  runtimeOf: (pod: KubeObject) => PodRuntime | undefined,
  clock: SimClock,
): PodLogSource {
  return ({ pod, container, tailLines }) => {
    const spec = (pod['spec'] ?? {}) as {
      containers?: ContainerSpec[];
      initContainers?: ContainerSpec[];
      nodeName?: string;
    };
    const name = pod.metadata?.name ?? '';
    const containers = spec.containers ?? [];
    const initContainers = spec.initContainers ?? [];
    let chosen = container;
    if (!chosen) {
      if (containers.length === 1) chosen = containers[0]?.name;
      else if (containers.length === 0)
        throw badRequest(`a container name must be specified for pod ${name}`);
      else {
        let message = `a container name must be specified for pod ${name}, choose one of: [${containers.map((entry) => entry.name).join(' ')}]`;
        if (initContainers.length > 0)
          message += ` or one of the init containers: [${initContainers.map((entry) => entry.name).join(' ')}]`;
        throw badRequest(message);
      }
    } else if (![...containers, ...initContainers].some((entry) => entry.name === chosen)) {
      throw badRequest(`container ${chosen} is not valid for pod ${name}`);
    }
    if (!spec.nodeName) return '';
    const runtime = runtimeOf(pod);
    const state =
      runtime &&
      [...runtime.initContainers, ...runtime.appContainers].find(
        (entry) => entry.spec.name === chosen,
      );
    if (!runtime || !state) {
      throw badRequest(
        `container "${chosen}" in pod "${name}" is waiting to start: ContainerCreating`,
      );
    }
    let startedAt: number | undefined;
    let finishedAt: number | undefined;
    let crashed = false;
    if (state.state === 'running') {
      startedAt = state.startedAt;
    } else if (state.state === 'terminated' && state.terminated) {
      ({ startedAt, finishedAt, crash: crashed } = state.terminated);
    } else if (state.lastTerminated) {
      ({ startedAt, finishedAt, crash: crashed } = state.lastTerminated);
    } else {
      const reason = state.waitingReason;
      const why =
        reason === 'ErrImagePull'
          ? "image can't be pulled"
          : reason === 'ImagePullBackOff'
            ? 'trying and failing to pull image'
            : reason;
      throw badRequest(`container "${chosen}" in pod "${name}" is waiting to start: ${why}`);
    }
    const lines = containerLogText({
      pod,
      container: state,
      podIp: runtime.podIp ?? '',
      startedAt: startedAt ?? clock.now(),
      finishedAt,
      crashed,
      now: clock.now(),
    });
    const tail =
      tailLines !== undefined && tailLines >= 0
        ? lines.slice(Math.max(0, lines.length - tailLines))
        : lines;
    return tail.length > 0 ? `${tail.join('\n')}\n` : '';
  };
}
