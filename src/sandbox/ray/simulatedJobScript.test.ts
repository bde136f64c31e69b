import { describe, expect, it } from 'vitest';

import type { JobScript, JobScriptContext } from './jobScriptActions.ts';
import type { RayNodeDescription } from './rayNodes.ts';
import {
  genericRunMs,
  measureScript,
  simulateEntrypoint,
  splitCommandLine,
  splitWords,
} from './simulatedJobScript.ts';

const nodes: RayNodeDescription[] = [
  { name: 'head', ip: '10.0.0.1', isHead: true, cpus: 2, memoryBytes: 1000, gpus: 0, alive: true },
  {
    name: 'gpu',
    ip: '10.0.0.2',
    isHead: false,
    cpus: 4,
    memoryBytes: 2000,
    gpus: 1,
    gpuProduct: 'Tesla-T4',
    alive: true,
  },
];
const ctx: JobScriptContext = {
  nodes: () => nodes,
  headIp: '10.0.0.1',
  random: () => 0.25,
  pid: () => 4242,
};

/** Runs a script to the end: its printed lines, exit code, sleep time and whether it connected. */
function run(
  script: JobScript,
  waitResult = true,
): { lines: string[]; exit: number; sleptMs: number; connected: boolean } {
  const lines: string[] = [];
  let sleptMs = 0;
  let connected = false;
  let next = script.next(true);
  while (!next.done) {
    const action = next.value;
    if (action.kind === 'print')
      lines.push(typeof action.text === 'function' ? action.text(0) : action.text);
    if (action.kind === 'log') lines.push(`[${action.level}] ${action.message}`);
    if (action.kind === 'sleep') sleptMs += action.ms;
    if (action.kind === 'connectDriver') connected = true;
    next = script.next(action.kind === 'waitFor' ? waitResult : true);
  }
  return { lines, exit: next.value, sleptMs, connected };
}

const simulate = (entrypoint: string, env: Record<string, string> = {}) =>
  run(simulateEntrypoint(entrypoint, env).create(ctx));

describe('reading the command line', () => {
  it('splits on &&, || and ; outside quotes', () => {
    expect(
      splitCommandLine(`echo "a && b"; sleep 1 && exit 2 || echo 'x;y'`).map((command) => [
        command.joinedBy,
        command.words,
      ]),
    ).toEqual([
      [';', ['echo', 'a && b']],
      [';', ['sleep', '1']],
      ['&&', ['exit', '2']],
      ['||', ['echo', 'x;y']],
    ]);
  });

  it('splits words with quotes and escapes', () => {
    expect(splitWords(`python -c "print('hi there')" a\\ b ''`)).toEqual([
      'python',
      '-c',
      "print('hi there')",
      'a b',
      '',
    ]);
  });
});

describe('commands', () => {
  it('exits with the code of `exit N`, stopping the line there', () => {
    expect(simulate('exit 7; echo never')).toMatchObject({ exit: 7, lines: [] });
    expect(simulate('exit')).toMatchObject({ exit: 0 });
    expect(simulate('exit 300').exit).toBe(44);
  });

  it('follows && and || by the previous status', () => {
    expect(simulate('false && echo skipped || echo recovered')).toMatchObject({
      exit: 0,
      lines: ['recovered'],
    });
    expect(simulate('true && false')).toMatchObject({ exit: 1 });
  });

  it('sleeps for seconds with units, and rejects a bad interval', () => {
    expect(simulate('sleep 1.5')).toMatchObject({ exit: 0, sleptMs: 1500 });
    expect(simulate('sleep 2m 1s').sleptMs).toBe(121_000);
    expect(simulate('sleep soon')).toMatchObject({
      exit: 1,
      lines: ["sleep: invalid time interval 'soon'"],
    });
  });

  it('skips leading variable assignments and `env`', () => {
    expect(simulate('FOO=1 env BAR=2 echo ok').lines).toEqual(['ok']);
  });

  it('runs unknown commands for the generic time, echoing them, without a Ray driver', () => {
    expect(simulate('./train.sh --epochs 3')).toEqual({
      lines: ['Running: ./train.sh --epochs 3', 'Finished: ./train.sh --epochs 3'],
      exit: 0,
      sleptMs: genericRunMs,
      connected: false,
    });
  });

  it('connects a Ray driver for Python, and prints cluster_resources() as a Python dict', () => {
    const result = simulate('python -c "import ray; ray.init(); print(ray.cluster_resources())"');
    expect(result.connected).toBe(true);
    expect(result.lines.at(-1)).toBe(
      "{'CPU': 6.0, 'memory': 3000.0, 'object_store_memory': 900.0, 'node:10.0.0.1': 1.0, 'node:__internal_head__': 1.0, 'GPU': 1.0, 'node:10.0.0.2': 1.0, 'accelerator_type:T4': 1.0}",
    );
    expect(simulate('python my_script.py').lines).toContain('Running: python my_script.py');
  });

  it('fails code that raises with a <string> traceback', () => {
    expect(simulate(`python -c "raise KeyError('k')"`)).toMatchObject({
      exit: 1,
      lines: [
        'Traceback (most recent call last):',
        '  File "<string>", line 1, in <module>',
        'KeyError: k',
      ],
    });
    expect(simulate('python train.py --raise').exit).toBe(1);
  });
});

describe('duration and failure overrides', () => {
  it('reads --duration=S, --duration S and RAYDECK_SIM_DURATION=S, from the command line or runtime_env', () => {
    expect(simulateEntrypoint('sleep 1 --duration=30').durationOverrideMs).toBe(30_000);
    expect(simulateEntrypoint('python x.py --duration 2.5').durationOverrideMs).toBe(2500);
    expect(simulateEntrypoint('RAYDECK_SIM_DURATION=7 sleep 1').durationOverrideMs).toBe(7000);
    expect(simulateEntrypoint('sleep 1', { RAYDECK_SIM_DURATION: '9' }).durationOverrideMs).toBe(
      9000,
    );
    expect(simulateEntrypoint('sleep 1').durationOverrideMs).toBeUndefined();
  });

  it('strips --duration from the arguments the workload sees', () => {
    expect(simulate('python pi_tasks.py --tasks 4 --duration=5').exit).toBe(0);
  });

  it('fails half-way through the script’s own time with RAYDECK_SIM_FAIL=1', () => {
    const failing = simulateEntrypoint('sleep 10', { RAYDECK_SIM_FAIL: '1' });
    expect(failing.forcedFailure).toBe(true);
    const result = run(failing.create(ctx));
    expect(result).toMatchObject({ exit: 1, sleptMs: 5000 });
    expect(result.lines.at(-1)).toBe('RuntimeError: simulated failure (RAYDECK_SIM_FAIL=1)');
    expect(result.lines[1]).toBe('  File "<string>", line 97, in <module>');
  });

  it('measures a script by its sleeps', () => {
    expect(measureScript(simulateEntrypoint('sleep 3 && sleep 4').create(ctx))).toBe(7000);
  });
});
