import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/**
 * `fetch` over node:http(s), for the CLI. Node's global fetch (undici) compiles its WebAssembly
 * HTTP parser on first use, and the process then waits for those compiler threads at exit: about
 * 0.3–0.4 s on the project machine for every `raydeck get …` (bench/cli-start). This supports what
 * the CLI sends: string or byte bodies, headers, an abort signal; the answer streams.
 */
export async function nodeHttpFetch(
  input: string | URL | Request,
  init: RequestInit = {},
): Promise<Response> {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const body = init.body;
  if (
    body !== undefined &&
    body !== null &&
    typeof body !== 'string' &&
    !(body instanceof Uint8Array)
  )
    throw new TypeError('nodeHttpFetch sends only string or Uint8Array bodies');
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    const request = send(
      url,
      { method: init.method ?? 'GET', headers, ...(init.signal ? { signal: init.signal } : {}) },
      (answer) => {
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(answer.headers)) {
          if (Array.isArray(value)) for (const item of value) answerHeaders.append(name, item);
          else if (value !== undefined) answerHeaders.set(name, value);
        }
        const status = answer.statusCode ?? 502;
        // A Response with a body must not have a null-body status (204, 304).
        const stream = status === 204 || status === 304 ? null : Readable.toWeb(answer);
        if (!stream) answer.resume();
        resolve(
          new Response(stream, {
            status,
            statusText: answer.statusMessage ?? '',
            headers: answerHeaders,
          }),
        );
      },
    );
    request.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
    if (body !== undefined && body !== null) request.end(body);
    else request.end();
  });
}
