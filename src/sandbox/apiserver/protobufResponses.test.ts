import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestSandbox, type TestSandbox } from '../../../test/support/startTestSandbox.ts';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from './kubernetesProtobuf.ts';
import { acceptedFormats } from './protobufResponses.ts';

const protobuf = 'application/vnd.kubernetes.protobuf';
let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

describe('protobuf responses', () => {
  it('reads Accept as the API server negotiates it', () => {
    expect(acceptedFormats(undefined)).toEqual({ protobuf: false, jsonAccepted: true });
    expect(acceptedFormats(`${protobuf}, */*`)).toEqual({ protobuf: true, jsonAccepted: true });
    expect(acceptedFormats(`${protobuf}`)).toEqual({ protobuf: true, jsonAccepted: false });
    expect(acceptedFormats(`application/json, ${protobuf}`).protobuf).toBe(false);
    expect(
      acceptedFormats(`application/json;as=Table;v=v1;g=meta.k8s.io,application/json`).protobuf,
    ).toBe(false);
  });

  it('answers a protobuf create with protobuf when the client prefers it', async () => {
    const body = encodeKubernetesProtobuf({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'proto-cm' },
      data: { k: 'v' },
    });
    const response = await fetch(`${sandbox.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { 'content-type': protobuf, accept: `${protobuf}, application/json` },
      body,
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe(protobuf);
    const created = decodeKubernetesProtobuf(new Uint8Array(await response.arrayBuffer()));
    expect(created).toMatchObject({ kind: 'ConfigMap', data: { k: 'v' } });
    expect((created?.['metadata'] as { uid?: string }).uid).toBeTruthy();

    const json = await fetch(`${sandbox.url}/api/v1/namespaces/default/configmaps/proto-cm`);
    expect(json.headers.get('content-type')).toBe('application/json');

    const missing = await fetch(`${sandbox.url}/api/v1/namespaces/default/configmaps/none`, {
      headers: { accept: `${protobuf}, application/json` },
    });
    expect(missing.status).toBe(404);
    expect(decodeKubernetesProtobuf(new Uint8Array(await missing.arrayBuffer()))).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      code: 404,
    });
  });

  it('lists in protobuf and streams watch events as length-prefixed frames', async () => {
    const list = await fetch(`${sandbox.url}/api/v1/namespaces/default/configmaps`, {
      headers: { accept: protobuf },
    });
    const decoded = decodeKubernetesProtobuf(new Uint8Array(await list.arrayBuffer()));
    expect(decoded?.['kind']).toBe('ConfigMapList');
    expect((decoded?.['items'] as unknown[]).length).toBeGreaterThan(0);

    const controller = new AbortController();
    const watch = await fetch(
      `${sandbox.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0`,
      { headers: { accept: `${protobuf}, application/json` }, signal: controller.signal },
    );
    expect(watch.headers.get('content-type')).toBe(`${protobuf};stream=watch`);
    const reader = (watch.body as ReadableStream<Uint8Array>).getReader();
    let bytes = Buffer.alloc(0);
    while (bytes.length < 4 || bytes.length < bytes.readUInt32BE(0) + 4) {
      const { value } = await reader.read();
      bytes = Buffer.concat([bytes, value ?? new Uint8Array()]);
    }
    const frame = bytes.subarray(4, 4 + bytes.readUInt32BE(0));
    expect(frame.includes(Buffer.from('ADDED'))).toBe(true);
    const start = frame.indexOf(Buffer.from('k8s\0', 'binary'));
    // WatchEvent field 2 (RawExtension) → field 1 (raw): the enveloped ConfigMap.
    expect(decodeKubernetesProtobuf(frame.subarray(start))).toMatchObject({ kind: 'ConfigMap' });
    controller.abort();
  });

  it('answers custom resources in JSON when JSON is accepted, else 406', async () => {
    const path = '/apis/ray.io/v1/namespaces/default/rayclusters';
    const both = await fetch(`${sandbox.url}${path}`, {
      headers: { accept: `${protobuf}, application/json` },
    });
    expect(both.headers.get('content-type')).toBe('application/json');
    expect(((await both.json()) as { kind: string }).kind).toBe('RayClusterList');
    const only = await fetch(`${sandbox.url}${path}`, { headers: { accept: protobuf } });
    expect(only.status).toBe(406);
  });
});
