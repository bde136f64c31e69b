import { request as httpRequest } from 'node:http';

import { strToU8, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';

import {
  type RayHeadTestServer,
  startRayHeadTestServer,
} from '../../../test/support/startRayHeadTestServer.ts';
import type { JobDetails } from './JobManager.ts';
import { PackageStore } from './PackageStore.ts';

let server: RayHeadTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A raw PUT, as the Ray SDK uploads a package (`application/octet-stream` bytes). */
function put(url: string, body: Uint8Array): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: 'PUT' }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const workingDir = zipSync({
  'main.py': strToU8('import ray\nray.init()\n'),
  'lib/': {},
  'lib/helpers.py': strToU8('X = 1\n'),
});

describe('package upload (ray job submit --working-dir)', () => {
  it('stores a package with PUT, answers GET with 200 after and 404 before', async () => {
    server = await startRayHeadTestServer();
    const path = '/api/packages/gcs/_ray_pkg_0123456789abcdef.zip';
    const before = await server.request('GET', path);
    expect(before.status).toBe(404);
    expect(before.text).toBe('Package gcs://_ray_pkg_0123456789abcdef.zip does not exist');
    const uploaded = await put(`${server.url}${path}`, workingDir);
    expect(uploaded.status).toBe(200);
    expect((await server.request('GET', path)).status).toBe(200);
  });

  it('refuses names that are not .zip or .whl and protocols other than gcs, with a traceback', async () => {
    server = await startRayHeadTestServer();
    const tar = await put(`${server.url}/api/packages/gcs/_ray_pkg_x.tar.gz`, workingDir);
    expect(tar.status).toBe(500);
    expect(tar.text).toMatch(/^Traceback \(most recent call last\):\n/);
    expect(tar.text.trimEnd().split('\n').at(-1)).toBe(
      'ValueError: Invalid package name _ray_pkg_x.tar.gz: a package must end in .zip or .whl',
    );
    const s3 = await put(`${server.url}/api/packages/s3/_ray_pkg_x.zip`, workingDir);
    expect(s3.status).toBe(500);
    expect(s3.text.trimEnd().split('\n').at(-1)).toBe(
      'NotImplementedError: Protocol s3 is not supported',
    );
  });

  it('runs the job in the uploaded working_dir: a script it lacks fails as Python does', async () => {
    server = await startRayHeadTestServer();
    const uri = 'gcs://_ray_pkg_0123456789abcdef.zip';
    await put(`${server.url}/api/packages/gcs/_ray_pkg_0123456789abcdef.zip`, workingDir);
    const submit = async (entrypoint: string) => {
      const response = await server?.request('POST', '/api/jobs/', {
        body: { entrypoint, runtime_env: { working_dir: uri } },
      });
      return response?.json<{ submission_id: string }>().submission_id ?? '';
    };
    const present = await submit('python main.py');
    const absent = await submit('python3 ./train.py --epochs 2');
    server.clock.advance(60_000);
    const details = async (id: string) =>
      (await server?.request('GET', `/api/jobs/${id}`))?.json<JobDetails>();
    expect(await details(present)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await details(absent)).toMatchObject({ status: 'FAILED', driver_exit_code: 2 });
    const logs = (await server.request('GET', `/api/jobs/${absent}/logs`)).json<{
      logs: string;
    }>().logs;
    expect(logs).toContain(
      "python3: can't open file '/tmp/ray/session_latest/runtime_resources/working_dir_files/_ray_pkg_0123456789abcdef/train.py': [Errno 2] No such file or directory",
    );
  });
});

describe('PackageStore', () => {
  it('keeps file names only and drops the oldest packages beyond its byte budget', () => {
    const store = new PackageStore(2 * workingDir.length + 10);
    store.put('gcs://a.zip', workingDir);
    store.put('gcs://b.zip', workingDir);
    expect(store.files('gcs://a.zip')).toEqual(['main.py', 'lib/helpers.py']);
    store.put('gcs://c.zip', workingDir);
    expect(store.has('gcs://a.zip')).toBe(false);
    expect(store.has('gcs://b.zip')).toBe(true);
    expect(store.has('gcs://c.zip')).toBe(true);
    expect(store.storedBytes).toBe(2 * workingDir.length);
    store.put('gcs://not-a-zip.whl', strToU8('garbage'));
    expect(store.files('gcs://not-a-zip.whl')).toBeUndefined();
  });

  it('refuses a package above its budget over HTTP with Ray size message', async () => {
    server = await startRayHeadTestServer();
    const huge = new Uint8Array(64 * 1024 * 1024 + 1);
    const response = await put(`${server.url}/api/packages/gcs/_ray_pkg_big.zip`, huge);
    expect(response.status).toBe(500);
    expect(response.text).toContain(
      'ValueError: Package size exceeds the maximum size of 64.00MiB',
    );
    expect((await server.request('GET', '/api/packages/gcs/_ray_pkg_big.zip')).status).toBe(404);
  });
});
