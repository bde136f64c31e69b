import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

import {
  encodeKubernetesProtobuf,
  encodeKubernetesProtobufWatchEvent,
} from './kubernetesProtobuf.ts';

const protobufType = 'application/vnd.kubernetes.protobuf';

/**
 * What a request's Accept asks for: `protobuf` when the first media type the sandbox can answer
 * is `application/vnd.kubernetes.protobuf` (as kubectl's typed clients send
 * `application/vnd.kubernetes.protobuf,application/json`); `jsonAccepted` when JSON would do.
 * Without an Accept header JSON is the default. `as=Table` and other conversions are JSON.
 */
export function acceptedFormats(accept: string | undefined): {
  protobuf: boolean;
  jsonAccepted: boolean;
} {
  if (!accept) return { protobuf: false, jsonAccepted: true };
  const entries = accept.split(',').map((entry) => {
    const [type = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    return { type, converted: params.some((param) => param.startsWith('as=')) };
  });
  const json = (type: string) =>
    type === 'application/json' || type === 'application/*' || type === '*/*';
  const first = entries.find((entry) => entry.type === protobufType || json(entry.type));
  return {
    protobuf: first?.type === protobufType && !first.converted,
    jsonAccepted: entries.some((entry) => json(entry.type)),
  };
}

/**
 * Makes a response that the handlers write as JSON go out as Kubernetes protobuf: a JSON body
 * whose object is of a built-in kind becomes the enveloped message, and a watch stream's
 * newline-delimited events become length-prefixed `WatchEvent` frames
 * (`application/vnd.kubernetes.protobuf;stream=watch`). Bodies without a protobuf form
 * (discovery documents, anything without apiVersion and kind) stay JSON.
 */
export function sendProtobufResponses(response: ServerResponse): void {
  const writeHead = response.writeHead.bind(response) as (
    code: number,
    headers?: OutgoingHttpHeaders,
  ) => ServerResponse;
  const write = response.write.bind(response) as (chunk: unknown) => boolean;
  const end = response.end.bind(response) as (chunk?: unknown) => ServerResponse;
  let pending: { code: number; headers: OutgoingHttpHeaders } | undefined;
  let streaming = false;
  let buffered = '';

  const patched = response as unknown as {
    writeHead: (code: number, headers?: OutgoingHttpHeaders) => ServerResponse;
    write: (chunk: unknown) => boolean;
    end: (chunk?: unknown) => ServerResponse;
  };
  patched.writeHead = (code, headers = {}) => {
    if (!String(headers['content-type'] ?? '').startsWith('application/json')) {
      return writeHead(code, headers);
    }
    if (headers['transfer-encoding'] === 'chunked') {
      streaming = true;
      return writeHead(code, { ...headers, 'content-type': `${protobufType};stream=watch` });
    }
    pending = { code, headers };
    return response;
  };
  patched.write = (chunk) => {
    if (!streaming) return write(chunk);
    buffered += String(chunk);
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    const frames: Buffer[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const event = JSON.parse(line) as { type: string; object: Record<string, unknown> };
        frames.push(encodeKubernetesProtobufWatchEvent(event.type, event.object));
      } catch {
        // Writes come from store callbacks: an event without a protobuf form is skipped there
        // rather than thrown into the store (none is expected: every event carries its kind).
      }
    }
    return frames.length === 0 ? true : write(Buffer.concat(frames));
  };
  patched.end = (chunk) => {
    if (streaming) {
      if (chunk !== undefined) patched.write(chunk);
      return end();
    }
    if (!pending) return end(chunk);
    const { code, headers } = pending;
    pending = undefined;
    const text = chunk === undefined ? '' : String(chunk);
    let encoded: Buffer | undefined;
    try {
      const object = JSON.parse(text) as Record<string, unknown>;
      encoded =
        object['apiVersion'] && object['kind'] ? encodeKubernetesProtobuf(object) : undefined;
    } catch {
      encoded = undefined;
    }
    if (!encoded) {
      writeHead(code, headers);
      return end(text);
    }
    writeHead(code, { ...headers, 'content-type': protobufType });
    return end(encoded);
  };
}
