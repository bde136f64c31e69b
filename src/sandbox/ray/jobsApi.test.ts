import { afterEach, describe, expect, it } from 'vitest';

import {
  type RayHeadTestServer,
  startRayHeadTestServer,
  testCpuWorker,
  testGpuWorker,
  testHead,
} from '../../../test/support/startRayHeadTestServer.ts';
import type { JobDetails } from './JobManager.ts';

let server: RayHeadTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  options: Parameters<typeof startRayHeadTestServer>[0] = {},
): Promise<RayHeadTestServer> {
  server = await startRayHeadTestServer(options);
  return server;
}

async function submit(head: RayHeadTestServer, body: object): Promise<string> {
  const response = await head.request('POST', '/api/jobs/', { body });
  expect(response.status, response.text).toBe(200);
  return response.json<{ submission_id: string }>().submission_id;
}

async function job(head: RayHeadTestServer, id: string): Promise<JobDetails> {
  const response = await head.request('GET', `/api/jobs/${id}`);
  expect(response.status, response.text).toBe(200);
  return response.json<JobDetails>();
}

async function logs(head: RayHeadTestServer, id: string): Promise<string> {
  return (await head.request('GET', `/api/jobs/${id}/logs`)).json<{ logs: string }>().logs;
}

const t0 = Date.parse('2026-01-01T00:00:00Z');

describe('POST /api/jobs/', () => {
  it('answers as Python writes JSON, with the submission id twice and a generated id', async () => {
    const head = await start();
    const response = await head.request('POST', '/api/jobs/', { body: { entrypoint: 'echo hi' } });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const id = response.json<{ submission_id: string }>().submission_id;
    expect(id).toMatch(/^raysubmit_[A-HJ-NP-Za-km-z1-9]{16}$/);
    expect(response.text).toBe(`{"job_id": "${id}", "submission_id": "${id}"}`);
  });

  it('strips null values before validating, and takes the deprecated job_id as submission id', async () => {
    const head = await start();
    const response = await head.request('POST', '/api/jobs/', {
      body: {
        entrypoint: 'echo hi',
        job_id: 'legacy-7',
        runtime_env: null,
        metadata: null,
        entrypoint_num_gpus: null,
      },
    });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ job_id: 'legacy-7', submission_id: 'legacy-7' });
    const details = await job(head, 'legacy-7');
    expect(details.runtime_env).toBeNull();
    expect(details.metadata).toBeNull();
  });

  it.each([
    [
      { entrypoint: 'x', foo: 1 },
      "TypeError: JobSubmitRequest.__init__() got an unexpected keyword argument 'foo'",
    ],
    [
      { submission_id: 'a' },
      "TypeError: JobSubmitRequest.__init__() missing 1 required positional argument: 'entrypoint'",
    ],
    [{ entrypoint: 5 }, "TypeError: entrypoint must be a string, got <class 'int'>"],
    [
      { entrypoint: 'x', submission_id: 7 },
      "TypeError: submission_id must be a string if provided, got <class 'int'>",
    ],
    [
      { entrypoint: 'x', runtime_env: [] },
      "TypeError: runtime_env must be a dict, got <class 'list'>",
    ],
    [
      { entrypoint: 'x', metadata: { owner: 1 } },
      "TypeError: metadata values must be strings, got <class 'int'>",
    ],
    [
      { entrypoint: 'x', entrypoint_num_cpus: '2' },
      "TypeError: entrypoint_num_cpus must be a number, got <class 'str'>",
    ],
    [
      { entrypoint: 'x', entrypoint_num_gpus: [1] },
      "TypeError: entrypoint_num_gpus must be a number, got <class 'list'>",
    ],
    [
      { entrypoint: 'x', entrypoint_memory: 1.5 },
      "TypeError: entrypoint_memory must be an integer, got <class 'float'>",
    ],
    [
      { entrypoint: 'x', entrypoint_resources: { TPU: '1' } },
      "TypeError: entrypoint_resources values must be numbers, got <class 'str'>",
    ],
    [
      { entrypoint: 'x', entrypoint_resources: 3 },
      "TypeError: entrypoint_resources must be a dict, got <class 'int'>",
    ],
    [
      { entrypoint: 'x', entrypoint_label_selector: { zone: 'a' } },
      "TypeError: JobSubmitRequest.__init__() got an unexpected keyword argument 'entrypoint_label_selector'",
    ],
  ])('rejects %j with 400 and a Python traceback', async (body, lastLine) => {
    const head = await start();
    const response = await head.request('POST', '/api/jobs/', { body });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.text.startsWith('Traceback (most recent call last):\n')).toBe(true);
    expect(response.text.trimEnd().split('\n').at(-1)).toBe(lastLine);
    expect((await head.request('GET', '/api/jobs/')).json()).toEqual([]);
  });

  it('tells an integer entrypoint_memory from a float one written as 1024.0', async () => {
    const head = await start();
    const float = await head.request('POST', '/api/jobs/', {
      body: '{"entrypoint": "x", "entrypoint_memory": 1024.0}',
    });
    expect(float.status).toBe(400);
    expect(float.text).toContain("entrypoint_memory must be an integer, got <class 'float'>");
    const integer = await head.request('POST', '/api/jobs/', {
      body: '{"entrypoint": "x", "entrypoint_memory": 1024}',
    });
    expect(integer.status).toBe(200);
  });

  it('accepts entrypoint_label_selector from Ray 2.54', async () => {
    const head = await start({ rayVersion: '2.54.0' });
    const response = await head.request('POST', '/api/jobs/', {
      body: { entrypoint: 'echo hi', entrypoint_label_selector: { 'ray.io/node-group': 'cpu' } },
    });
    expect(response.status).toBe(200);
  });

  it('answers invalid JSON and non-object bodies as aiohttp does for an exception: 500', async () => {
    const head = await start();
    for (const body of ['{"entrypoint": ', '', '["echo"]']) {
      const response = await head.request('POST', '/api/jobs/', { body });
      expect(response.status).toBe(500);
      expect(response.text).toBe('500 Internal Server Error\n\nServer got itself in trouble');
    }
  });

  it('refuses a taken submission id with 500 and Ray’s advice', async () => {
    const head = await start();
    await submit(head, { entrypoint: 'echo 1', submission_id: 'nightly' });
    const again = await head.request('POST', '/api/jobs/', {
      body: { entrypoint: 'echo 2', submission_id: 'nightly' },
    });
    expect(again.status).toBe(500);
    expect(again.text).toContain(
      'Job with submission_id nightly already exists. Please use a different submission_id.',
    );
    expect((await job(head, 'nightly')).entrypoint).toBe('echo 1');
  });

  it('needs the trailing slash: /api/jobs without it is 404 for POST and GET', async () => {
    const head = await start();
    for (const method of ['POST', 'GET']) {
      const response = await head.request(method, '/api/jobs', { body: { entrypoint: 'echo' } });
      expect(response.status).toBe(404);
      expect(response.text).toBe('404: Not Found');
    }
    expect((await head.request('GET', '/api/jobs/')).json()).toEqual([]);
  });

  it('fails a job whose entrypoint asks for negative resources, as Ray’s actor options do', async () => {
    const head = await start();
    const id = await submit(head, { entrypoint: 'echo', entrypoint_num_cpus: -1 });
    const details = await job(head, id);
    expect(details.status).toBe('FAILED');
    expect(details.error_type).toBe('JOB_SUPERVISOR_ACTOR_START_FAILURE');
    expect(details.message).toContain('Resource quantities must be nonnegative.');
  });
});

describe('job lifecycle on the simulated clock', () => {
  it('runs `sleep 5`: PENDING until 1.5 s, RUNNING until 6.5 s, then SUCCEEDED with exit code 0', async () => {
    const head = await start();
    const id = await submit(head, { entrypoint: 'sleep 5', metadata: { owner: 'ada' } });
    let details = await job(head, id);
    expect(details).toEqual({
      type: 'SUBMISSION',
      job_id: null,
      submission_id: id,
      driver_info: null,
      status: 'PENDING',
      entrypoint: 'sleep 5',
      message: 'Job has not started yet.',
      error_type: null,
      start_time: t0,
      end_time: null,
      metadata: { owner: 'ada' },
      runtime_env: null,
      driver_agent_http_address: null,
      driver_node_id: null,
      driver_exit_code: null,
    });
    expect(Object.keys(details)).toEqual([
      'type',
      'job_id',
      'submission_id',
      'driver_info',
      'status',
      'entrypoint',
      'message',
      'error_type',
      'start_time',
      'end_time',
      'metadata',
      'runtime_env',
      'driver_agent_http_address',
      'driver_node_id',
      'driver_exit_code',
    ]);
    expect(await logs(head, id)).toBe('');
    head.clock.advance(1499);
    expect((await job(head, id)).status).toBe('PENDING');
    head.clock.advance(1);
    details = await job(head, id);
    expect(details.status).toBe('RUNNING');
    expect(details.message).toBe('Job is currently running.');
    expect(details.driver_agent_http_address).toBe('http://10.244.0.5:52365');
    expect(details.driver_node_id).toMatch(/^[0-9a-f]{56}$/);
    expect(details.job_id).toBeNull();
    expect(await logs(head, id)).toBe(
      '2026-01-01 00:00:00,000\tINFO job_manager.py:568 -- Runtime env is setting up.\n',
    );
    head.clock.advance(4999);
    expect((await job(head, id)).status).toBe('RUNNING');
    head.clock.advance(1);
    details = await job(head, id);
    expect(details).toMatchObject({
      status: 'SUCCEEDED',
      message: 'Job finished successfully.',
      end_time: t0 + 6500,
      driver_exit_code: 0,
      error_type: null,
    });
  });

  it('gives a Python driver a Ray job id when it connects, and finds the job by it', async () => {
    const head = await start();
    const id = await submit(head, {
      entrypoint: 'python /home/ray/workloads/pi_tasks.py --tasks 32',
    });
    head.clock.advance(2739);
    expect((await job(head, id)).job_id).toBeNull();
    head.clock.advance(1);
    const details = await job(head, id);
    expect(details.job_id).toBe('02000000');
    expect(details.driver_info).toEqual({
      id: '02000000',
      node_ip_address: '10.244.0.5',
      pid: expect.stringMatching(/^\d+$/),
    });
    expect((await job(head, '02000000')).submission_id).toBe(id);
    const second = await submit(head, { entrypoint: 'python -c "import ray; ray.init()"' });
    head.clock.advance(3000);
    expect((await job(head, second)).job_id).toBe('03000000');
  });

  it('writes Ray’s driver preamble with clock timestamps, then the workload’s output and verdict', async () => {
    const head = await start();
    const id = await submit(head, { entrypoint: 'python workloads/pi_tasks.py --tasks 32' });
    head.clock.advance(60_000);
    const text = await logs(head, id);
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '2026-01-01 00:00:00,000\tINFO job_manager.py:568 -- Runtime env is setting up.',
      '2026-01-01 00:00:02,700\tINFO worker.py:1691 -- Using address 10.244.0.5:6379 set in the environment variable RAY_ADDRESS',
      '2026-01-01 00:00:02,700\tINFO worker.py:1832 -- Connecting to existing Ray cluster at address: 10.244.0.5:6379...',
      '2026-01-01 00:00:02,740\tINFO worker.py:2003 -- Connected to Ray cluster. View the dashboard at http://10.244.0.5:8265 ',
    ]);
    expect(lines[4]).toMatch(
      /^32 tasks on 2 node\(s\) in \d+\.\d s: raycluster-cpu-worker-q8w2z, raycluster-head-x7k2p$/,
    );
    const estimate = Number(/pi is about (\d\.\d{6})/.exec(text)?.[1]);
    expect(Math.abs(estimate - Math.PI)).toBeLessThan(0.01);
    expect(lines.at(-1)).toBe('PASS: 32 tasks completed on 2 node(s)');
    expect((await job(head, id)).status).toBe('SUCCEEDED');
  });

  it('fails `exit 3` with driver_exit_code 3 and the last log lines in the message', async () => {
    const head = await start();
    const id = await submit(head, { entrypoint: 'echo starting && exit 3' });
    head.clock.advance(1505);
    const details = await job(head, id);
    expect(details).toMatchObject({
      status: 'FAILED',
      driver_exit_code: 3,
      error_type: 'JOB_ENTRYPOINT_COMMAND_ERROR',
      end_time: t0 + 1505,
    });
    expect(details.message).toBe(
      'Job entrypoint command failed with exit code 3, last available logs (truncated to 20,000 chars):\n' +
        '2026-01-01 00:00:00,000\tINFO job_manager.py:568 -- Runtime env is setting up.\nstarting\n',
    );
  });

  it('overrides the run time with --duration=S and with RAYDECK_SIM_DURATION=S', async () => {
    const head = await start();
    const flagged = await submit(head, {
      entrypoint: 'python /home/ray/workloads/train_tiny.py --workers 2 --duration=30',
    });
    const env = await submit(head, { entrypoint: 'RAYDECK_SIM_DURATION=12 sleep 100' });
    const viaRuntimeEnv = await submit(head, {
      entrypoint: 'exit 0',
      runtime_env: { env_vars: { RAYDECK_SIM_DURATION: '4' } },
    });
    head.clock.advance(1500 + 3999);
    expect((await job(head, viaRuntimeEnv)).status).toBe('RUNNING');
    head.clock.advance(1);
    expect((await job(head, viaRuntimeEnv)).end_time).toBe(t0 + 5500);
    head.clock.advance(13_500 - 5500 - 1);
    expect((await job(head, env)).status).toBe('RUNNING');
    head.clock.advance(1);
    expect(await job(head, env)).toMatchObject({ status: 'SUCCEEDED', end_time: t0 + 13_500 });
    head.clock.advance(31_500 - 13_500 - 1);
    expect((await job(head, flagged)).status).toBe('RUNNING');
    head.clock.advance(1);
    expect(await job(head, flagged)).toMatchObject({ status: 'SUCCEEDED', end_time: t0 + 31_500 });
    const trained = await logs(head, flagged);
    const losses = [...trained.matchAll(/'loss': (\d+\.\d+)/g)].map((match) => Number(match[1]));
    // Reported every 20 of the 200 epochs and at the last one.
    expect(losses.length).toBe(11);
    expect(losses.at(-1)).toBeLessThan(losses[0] ?? 0);
    expect(trained.trimEnd().split('\n').at(-1)).toMatch(
      /^PASS: 2 Ray Train worker\(s\) converged \(loss 0\.01\d\d\)$/,
    );
  });

  it('fails with a Python traceback half-way when RAYDECK_SIM_FAIL=1, or when the code raises', async () => {
    const head = await start();
    const failing = await submit(head, {
      entrypoint: 'RAYDECK_SIM_FAIL=1 python /home/ray/workloads/actor_pool.py',
    });
    const raising = await submit(head, { entrypoint: `python -c "raise ValueError('bad input')"` });
    head.clock.advance(120_000);
    for (const id of [failing, raising]) {
      const details = await job(head, id);
      expect(details).toMatchObject({
        status: 'FAILED',
        driver_exit_code: 1,
        error_type: 'JOB_ENTRYPOINT_COMMAND_ERROR',
      });
      expect(await logs(head, id)).toContain('Traceback (most recent call last):\n');
    }
    const failed = await logs(head, failing);
    expect(failed).toContain('  File "/home/ray/workloads/actor_pool.py", line 97, in <module>');
    expect(failed.trimEnd().split('\n').at(-1)).toBe(
      'RuntimeError: simulated failure (RAYDECK_SIM_FAIL=1)',
    );
    expect(failed).not.toContain('PASS:');
    expect((await logs(head, raising)).trimEnd().split('\n').slice(-3)).toEqual([
      'Traceback (most recent call last):',
      '  File "<string>", line 1, in <module>',
      'ValueError: bad input',
    ]);
  });

  it('runs any other command for 10 s, echoing it, with no Ray driver', async () => {
    const head = await start();
    const id = await submit(head, { entrypoint: 'bash run_experiment.sh --fast' });
    head.clock.advance(11_499);
    expect((await job(head, id)).status).toBe('RUNNING');
    head.clock.advance(1);
    const details = await job(head, id);
    expect(details).toMatchObject({ status: 'SUCCEEDED', job_id: null, driver_info: null });
    expect(await logs(head, id)).toContain('Running: bash run_experiment.sh --fast\n');
  });

  it('takes 20 s more to start when the runtime_env installs packages', async () => {
    const head = await start();
    const id = await submit(head, { entrypoint: 'echo hi', runtime_env: { pip: ['torch'] } });
    expect((await job(head, id)).message).toBe(
      'Job has not started yet. It may be waiting for the runtime environment to be set up.',
    );
    head.clock.advance(21_499);
    expect((await job(head, id)).status).toBe('PENDING');
    head.clock.advance(1);
    expect((await job(head, id)).status).toBe('RUNNING');
  });

  it('keeps a GPU job PENDING until a GPU node joins, then starts it there', async () => {
    // The entrypoint holds one GPU and the check's actor needs another, as in Ray.
    const twoGpus = { ...testGpuWorker, gpus: 2 };
    const head = await start();
    const id = await submit(head, {
      entrypoint: 'python /home/ray/workloads/gpu_check.py --expect-gpus 1',
      entrypoint_num_gpus: 1,
    });
    head.clock.advance(60_000);
    const waiting = await job(head, id);
    expect(waiting.status).toBe('PENDING');
    expect(waiting.message).toBe(
      'Job has not started yet. It may be waiting for resources (CPUs, GPUs, memory, custom resources) to become available.',
    );
    expect(head.simulation.pendingResourceDemand()).toEqual([
      { resources: { GPU: 1 }, kind: 'job', owner: id },
    ]);
    head.simulation.updateNodes([testHead, testCpuWorker, twoGpus]);
    expect(head.simulation.pendingResourceDemand()).toEqual([]);
    head.clock.advance(1499);
    expect((await job(head, id)).status).toBe('PENDING');
    head.clock.advance(1);
    const running = await job(head, id);
    expect(running.status).toBe('RUNNING');
    expect(running.driver_agent_http_address).toBe('http://10.244.2.9:52365');
    head.clock.advance(60_000);
    const text = await logs(head, id);
    expect(text).toContain('Ray reports 2 GPU(s); checking 1.\n');
    expect(text).toContain(
      '  raycluster-gpu-worker-m4n9d GPU 0 (CUDA_VISIBLE_DEVICES=0) NVIDIA A100-SXM4-80GB: matmul ok\n',
    );
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'PASS: 1 GPU(s) visible to Ray, each on its own device',
    );
    expect(await job(head, id)).toMatchObject({ status: 'SUCCEEDED', driver_exit_code: 0 });
  });

  it('lets a workload wait for GPUs its actors need, as demand, until a node brings them', async () => {
    const head = await start();
    const id = await submit(head, { entrypoint: 'python gpu_check.py --expect-gpus 1' });
    head.clock.advance(10_000);
    expect((await job(head, id)).status).toBe('RUNNING');
    expect(head.simulation.pendingResourceDemand()).toEqual([
      { resources: { GPU: 1 }, kind: 'task', owner: id },
    ]);
    expect(await logs(head, id)).toContain('Ray reports 0 GPU(s); checking 1.\n');
    head.simulation.updateNodes([testHead, testGpuWorker]);
    head.clock.advance(10_000);
    expect(await job(head, id)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('holds the entrypoint’s GPU, so a one-GPU cluster cannot also run the check’s GPU actor', async () => {
    const head = await start({ nodes: [testHead, testGpuWorker] });
    const id = await submit(head, {
      entrypoint: 'python gpu_check.py --expect-gpus 1',
      entrypoint_num_gpus: 1,
    });
    head.clock.advance(60_000);
    expect((await job(head, id)).status).toBe('RUNNING');
    expect(head.simulation.pendingResourceDemand()).toEqual([
      { resources: { GPU: 1 }, kind: 'task', owner: id },
    ]);
  });

  it('fails a job that stays PENDING past the start timeout, with Ray’s message', async () => {
    const head = await start({ jobStartTimeoutSeconds: 10 });
    const id = await submit(head, { entrypoint: 'echo', entrypoint_num_gpus: 2 });
    head.clock.advance(10_999);
    expect((await job(head, id)).status).toBe('PENDING');
    head.clock.advance(1);
    const details = await job(head, id);
    expect(details).toMatchObject({
      status: 'FAILED',
      error_type: 'JOB_SUPERVISOR_ACTOR_START_TIMEOUT',
      end_time: t0 + 11_000,
    });
    expect(details.message).toBe(
      'Job supervisor actor failed to start within 10.0 seconds. This timeout can be configured by setting the environment variable RAY_JOB_START_TIMEOUT_SECONDS. ' +
        "This may be because the job entrypoint's specified resources (entrypoint_num_cpus, entrypoint_num_gpus, entrypoint_resources, entrypoint_memory)aren't available on the cluster. " +
        "Try checking the cluster's available resources with `ray status` and specifying fewer resources for the job entrypoint.",
    );
    expect(await logs(head, id)).toBe('');
  });

  it('queues jobs on the resources they hold: a second 8-CPU job waits for the first', async () => {
    const head = await start();
    const first = await submit(head, { entrypoint: 'sleep 10', entrypoint_num_cpus: 8 });
    const second = await submit(head, { entrypoint: 'sleep 10', entrypoint_num_cpus: 8 });
    head.clock.advance(1500);
    expect((await job(head, first)).status).toBe('RUNNING');
    expect((await job(head, first)).driver_agent_http_address).toBe('http://10.244.1.7:52365');
    expect((await job(head, second)).status).toBe('PENDING');
    head.clock.advance(10_000);
    expect((await job(head, first)).status).toBe('SUCCEEDED');
    head.clock.advance(1500);
    expect((await job(head, second)).status).toBe('RUNNING');
  });

  it('fails a running job whose node dies', async () => {
    const head = await start({ nodes: [testHead, testGpuWorker] });
    const id = await submit(head, { entrypoint: 'sleep 100', entrypoint_num_gpus: 1 });
    head.clock.advance(5000);
    const nodeId = (await job(head, id)).driver_node_id;
    head.simulation.updateNodes([testHead, { ...testGpuWorker, alive: false }]);
    const details = await job(head, id);
    expect(details).toMatchObject({
      status: 'FAILED',
      error_type: 'JOB_SUPERVISOR_ACTOR_DIED',
      driver_exit_code: null,
    });
    expect(details.message).toBe(
      `Job supervisor actor died: The actor died because its node has died. Node Id: ${nodeId}`,
    );
  });
});

describe('listing, stopping, deleting and logs', () => {
  it('lists jobs in submission order', async () => {
    const head = await start();
    const a = await submit(head, { entrypoint: 'echo a' });
    const b = await submit(head, { entrypoint: 'echo b' });
    const list = (await head.request('GET', '/api/jobs/')).json<JobDetails[]>();
    expect(list.map((item) => item.submission_id)).toEqual([a, b]);
    expect(list.every((item) => item.type === 'SUBMISSION')).toBe(true);
    expect(head.simulation.listJobs().map((item) => item.submission_id)).toEqual([a, b]);
  });

  it('stops RUNNING and PENDING jobs at once; a second stop says false', async () => {
    const head = await start();
    const running = await submit(head, { entrypoint: 'sleep 100' });
    const pending = await submit(head, { entrypoint: 'sleep 100', entrypoint_num_gpus: 1 });
    head.clock.advance(3000);
    for (const id of [running, pending]) {
      const response = await head.request('POST', `/api/jobs/${id}/stop`);
      expect(response.text).toBe('{"stopped": true}');
      expect(await job(head, id)).toMatchObject({
        status: 'STOPPED',
        message: 'Job was intentionally stopped.',
        end_time: t0 + 3000,
        driver_exit_code: null,
      });
    }
    expect(head.simulation.pendingResourceDemand()).toEqual([]);
    expect((await head.request('POST', `/api/jobs/${running}/stop`)).json()).toEqual({
      stopped: false,
    });
    head.clock.advance(200_000);
    expect((await job(head, running)).status).toBe('STOPPED');
  });

  it('deletes only terminal jobs: a running one gets 500 with Ray’s reason', async () => {
    const head = await start();
    const id = await submit(head, { entrypoint: 'sleep 100' });
    head.clock.advance(2000);
    const refused = await head.request('DELETE', `/api/jobs/${id}`);
    expect(refused.status).toBe(500);
    expect(refused.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(refused.text).toContain(
      `Attempted to delete job '${id}', but it is in a non-terminal state RUNNING.`,
    );
    await head.request('POST', `/api/jobs/${id}/stop`);
    const deleted = await head.request('DELETE', `/api/jobs/${id}`);
    expect(deleted.text).toBe('{"deleted": true}');
    const gone = await head.request('GET', `/api/jobs/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.text).toBe(`Job ${id} does not exist`);
  });

  it('answers 404 in plain text for every job route of an unknown id', async () => {
    const head = await start();
    for (const [method, path] of [
      ['GET', '/api/jobs/nope'],
      ['POST', '/api/jobs/nope/stop'],
      ['DELETE', '/api/jobs/nope'],
      ['GET', '/api/jobs/nope/logs'],
      ['GET', '/api/jobs/nope/logs/tail'],
    ] as const) {
      const response = await head.request(method, path);
      expect(response.status).toBe(404);
      expect(response.text).toBe('Job nope does not exist');
    }
  });

  it('submits, reads and stops through the in-process methods the operator uses', async () => {
    const head = await start();
    const { submission_id: id } = head.simulation.submitJob({
      entrypoint: 'sleep 30',
      submission_id: 'rayjob-abc',
    });
    expect(id).toBe('rayjob-abc');
    expect(() =>
      head.simulation.submitJob({ entrypoint: 'sleep 30', submission_id: 'rayjob-abc' }),
    ).toThrow(/Please use a different submission_id/);
    expect(head.simulation.getJob(id)?.status).toBe('PENDING');
    head.clock.advance(1500);
    expect(head.simulation.getJobLogs(id)).toContain('Runtime env is setting up.');
    expect(head.simulation.stopJob(id)).toBe(true);
    expect(head.simulation.getJob(id)?.status).toBe('STOPPED');
    expect(head.simulation.getJob('missing')).toBeUndefined();
  });
});
