import { createServer, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  RayHeadSimulation,
  type RayHeadSimulationOptions,
} from '../../src/sandbox/ray/RayHeadSimulation.ts';
import type { RayNodeDescription } from '../../src/sandbox/ray/rayNodes.ts';
import { ManualClock } from '../../src/sandbox/world/simClock.ts';

/**
 * A {@link RayHeadSimulation} behind a real HTTP server on 127.0.0.1 with a {@link ManualClock},
 * for tests: requests go over the network as the API server's service proxy would pass them,
 * and time moves only with `clock.advance(ms)`.
 */
export interface RayHeadTestServer {
  simulation: RayHeadSimulation;
  clock: ManualClock;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** One request; `body` objects are sent as JSON. */
  request(method: string, path: string, options?: TestRequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

/** Options of {@link RayHeadTestServer.request}. */
export interface TestRequestOptions {
  body?: string | object;
  headers?: Record<string, string>;
}

/** A response, read whole. */
export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
}

/** A head with 4 CPUs and 16 GiB and no GPUs, the usual test head. */
export const testHead: RayNodeDescription = {
  name: 'raycluster-head-x7k2p',
  ip: '10.244.0.5',
  isHead: true,
  cpus: 4,
  memoryBytes: 16 * 2 ** 30,
  gpus: 0,
  alive: true,
};

/** A CPU worker with 8 CPUs and 32 GiB. */
export const testCpuWorker: RayNodeDescription = {
  name: 'raycluster-cpu-worker-q8w2z',
  ip: '10.244.1.7',
  isHead: false,
  groupName: 'cpu',
  cpus: 8,
  memoryBytes: 32 * 2 ** 30,
  gpus: 0,
  alive: true,
};

/** A GPU worker with one A100. */
export const testGpuWorker: RayNodeDescription = {
  name: 'raycluster-gpu-worker-m4n9d',
  ip: '10.244.2.9',
  isHead: false,
  groupName: 'gpu',
  cpus: 8,
  memoryBytes: 64 * 2 ** 30,
  gpus: 1,
  gpuProduct: 'NVIDIA-A100-SXM4-80GB',
  alive: true,
};

/** Starts a simulation (default: {@link testHead} and {@link testCpuWorker}) behind a server. */
export async function startRayHeadTestServer(
  options: Partial<RayHeadSimulationOptions> = {},
): Promise<RayHeadTestServer> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  const simulation = new RayHeadSimulation({
    clusterName: 'raycluster',
    namespace: 'default',
    rayVersion: '2.52.0',
    nodes: [testHead, testCpuWorker],
    ...options,
    clock,
  });
  const server = createServer((request, response) =>
    simulation.handler(request, response, request.url ?? '/'),
  );
  server.on('upgrade', (request, socket, head) =>
    simulation.upgradeHandler(request, socket, head, request.url ?? '/'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    simulation,
    clock,
    port,
    url: `http://127.0.0.1:${port}`,
    request: (method, path, requestOptions = {}) => send(port, method, path, requestOptions),
    close: async () => {
      simulation.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(
  port: number,
  method: string,
  path: string,
  options: TestRequestOptions,
): Promise<TestResponse> {
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...(body === undefined
            ? {}
            : {
                'Content-Type': 'application/json',
                'Content-Length': String(Buffer.byteLength(body)),
              }),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
