import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

import { buildServer } from './buildServer.ts';
import { packageVersion } from './packageRoot.ts';
import type { ServerConfig } from './serverConfig.ts';

/** Milliseconds a graceful shutdown may take before the process exits anyway. Default 10 s. */
const shutdownGraceMs = 10_000;

/**
 * Builds and starts the portal, prints its URL, and closes it cleanly on SIGTERM/SIGINT:
 * in-flight requests finish, then the process exits.
 * @returns the listening app and its URL
 */
export async function startServer(
  config: ServerConfig,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildServer({ config, version: packageVersion });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  closeWithGrace({ delay: shutdownGraceMs }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });
  process.stdout.write(`Raydeck portal listening on ${url}\n`);
  return { app, url };
}
