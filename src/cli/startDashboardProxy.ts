import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A local port forwarding to one cluster's dashboard through the portal. */
export interface DashboardProxy {
  /** `http://127.0.0.1:<port>`, for `ray job submit --address`. */
  url: string;
  close: () => Promise<void>;
}

/** Request headers not forwarded: hop-by-hop ones, and credentials the proxy sets itself. */
const droppedHeaders = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'authorization',
  'cookie',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Listens on 127.0.0.1:`port` (loopback only: anyone reaching it acts with the token) and
 * forwards each request to `<server>/api/v1/clusters/<team>/<name>/dashboard<path>` with the
 * API token, streaming bodies both ways, so the plain `ray` CLI and SDK work from a laptop. The
 * portal decides what is allowed (its dashboard proxy's allow-list and the user's team rights).
 */
export async function startDashboardProxy(options: {
  server: string;
  token: string;
  team: string;
  name: string;
  port: number;
}): Promise<DashboardProxy> {
  const base = new URL(
    `${options.server}/api/v1/clusters/${encodeURIComponent(options.team)}/${encodeURIComponent(options.name)}/dashboard`,
  );
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  const server = createServer((incoming, outgoing) => {
    const headers: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(incoming.headers))
      if (value !== undefined && !droppedHeaders.has(key)) headers[key] = value;
    headers['authorization'] = `Bearer ${options.token}`;
    const upstream = send(
      new URL(`${base.pathname}${incoming.url ?? '/'}`, base),
      { method: incoming.method ?? 'GET', headers },
      (answer) => {
        const answerHeaders: Record<string, string | string[]> = {};
        for (const [key, value] of Object.entries(answer.headers))
          if (value !== undefined && key !== 'connection' && key !== 'set-cookie')
            answerHeaders[key] = value;
        outgoing.writeHead(answer.statusCode ?? 502, answerHeaders);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', (error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`raydeck proxy: cannot reach the portal: ${error.message}\n`);
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
