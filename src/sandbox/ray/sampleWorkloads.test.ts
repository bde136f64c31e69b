import { describe, expect, it } from 'vitest';

import type { JobScript, JobScriptContext } from './jobScriptActions.ts';
import type { RayNodeDescription } from './rayNodes.ts';
import {
  dataBatch,
  formatRayLogTime,
  gpuCheck,
  parseArgs,
  serveHello,
  trainTiny,
} from './sampleWorkloads.ts';

const head: RayNodeDescription = {
  name: 'head',
  ip: '10.0.0.1',
  isHead: true,
  cpus: 2,
  memoryBytes: 1000,
  gpus: 0,
  alive: true,
};
const context = (nodes: RayNodeDescription[]): JobScriptContext => ({
  nodes: () => nodes,
  headIp: '10.0.0.1',
  random: () => 0.5,
  pid: () => 777,
});

function run(script: JobScript, waitResult = true): { lines: string[]; exit: number } {
  const lines: string[] = [];
  let next = script.next(true);
  while (!next.done) {
    const action = next.value;
    if (action.kind === 'print')
      lines.push(
        typeof action.text === 'function'
          ? action.text(Date.parse('2026-01-01T00:00:01Z'))
          : action.text,
      );
    next = script.next(action.kind === 'waitFor' ? waitResult : true);
  }
  return { lines, exit: next.value };
}

describe('argparse', () => {
  const specs = [
    { name: 'tasks', type: 'int', default: 32 },
    { name: 'gpu', type: 'flag', default: false },
  ] as const;

  it('reads --name value, --name=value and flags', () => {
    expect(parseArgs('x.py', specs, ['--tasks=4', '--gpu'])).toEqual({
      ok: true,
      values: { tasks: 4, gpu: true },
    });
  });

  it('answers like argparse: usage and the error, for bad and unknown arguments', () => {
    expect(parseArgs('x.py', specs, ['--tasks', 'many'])).toEqual({
      ok: false,
      lines: [
        'usage: x.py [-h] [--tasks TASKS] [--gpu]',
        "x.py: error: argument --tasks: invalid int value: 'many'",
      ],
    });
    expect(parseArgs('x.py', specs, ['--bogus', '1'])).toMatchObject({
      ok: false,
      lines: [expect.any(String), 'x.py: error: unrecognized arguments: --bogus 1'],
    });
  });
});

describe('workloads', () => {
  it('gpu_check fails on a cluster without GPUs', () => {
    expect(run(gpuCheck([], context([head]), 'gpu_check.py'))).toEqual({
      lines: [
        'Ray reports 0 GPU(s); checking 0.',
        'FAIL: Ray sees no GPU (on an autoscaling cluster, pass --expect-gpus N)',
      ],
      exit: 1,
    });
  });

  it('gpu_check fails when the GPUs it waits for never come', () => {
    const result = run(
      gpuCheck(['--expect-gpus', '2', '--timeout', '60'], context([head]), 'gpu_check.py'),
      false,
    );
    expect(result).toEqual({
      lines: ['Ray reports 0 GPU(s); checking 2.', 'FAIL: only 0 of 2 GPUs came up within 60 s'],
      exit: 1,
    });
  });

  it('gpu_check lists each GPU by product', () => {
    const gpus: RayNodeDescription = {
      ...head,
      name: 'w',
      isHead: false,
      gpus: 2,
      gpuProduct: 'NVIDIA-L4',
    };
    expect(run(gpuCheck([], context([head, gpus]), 'gpu_check.py')).lines).toEqual([
      'Ray reports 2 GPU(s); checking 2.',
      '  w GPU 0 (CUDA_VISIBLE_DEVICES=0) NVIDIA L4: matmul ok',
      '  w GPU 1 (CUDA_VISIBLE_DEVICES=1) NVIDIA L4: matmul ok',
      'PASS: 2 GPU(s) visible to Ray, each on its own device',
    ]);
  });

  it('data_batch checks --rows like the script and computes the exact sum of squares', () => {
    expect(run(dataBatch(['--rows', '0'], context([head]), 'data_batch.py'))).toEqual({
      lines: [
        'usage: data_batch.py [-h] [--rows ROWS] [--batch-size BATCH_SIZE]',
        'data_batch.py: error: --rows must be between 1 and 3,000,000',
      ],
      exit: 2,
    });
    const result = run(dataBatch(['--rows', '3000000'], context([head]), 'data_batch.py'));
    expect(result.lines[0]).toMatch(/^3000000 rows, sum of squares 8999995500000500000 in /);
    expect(result.exit).toBe(0);
  });

  it('train_tiny with --gpu reports cuda and a falling loss', () => {
    const result = run(trainTiny(['--gpu', '--epochs', '50'], context([head]), 'train_tiny.py'));
    const losses = result.lines.flatMap((line) => {
      const match = /'loss': (\d+\.\d+)/.exec(line);
      return match ? [Number(match[1])] : [];
    });
    expect(losses[0]).toBeGreaterThan(10);
    expect(losses.at(-1)).toBeLessThan(0.05);
    expect(result.lines).toContain(
      "(TrainController pid=777) Attempting to start training worker group of size 2 with the following resources: [{'CPU': 1, 'GPU': 1}] * 2",
    );
    expect(result.lines.at(-2)).toMatch(/^2 worker\(s\) on cuda:0: final loss 0\.01/);
  });

  it('serve_hello prints Serve’s logs with the time, and the answers', () => {
    const result = run(serveHello(['--requests', '5'], context([head]), 'serve_hello.py'));
    expect(result.lines[0]).toBe(
      '(ProxyActor pid=777) INFO 2026-01-01 00:00:01,000 proxy 10.0.0.1 -- Proxy starting on node (HTTP port: 8000).',
    );
    expect(result.lines.slice(-2)).toEqual([
      "5 requests, 0 failed, answered from ['head']",
      'PASS: Ray Serve answered 5 requests at /hello',
    ]);
  });

  it('formats log times as Python logging does, in UTC', () => {
    expect(formatRayLogTime(Date.parse('2026-03-04T05:06:07.089Z'))).toBe(
      '2026-03-04 05:06:07,089',
    );
  });
});
