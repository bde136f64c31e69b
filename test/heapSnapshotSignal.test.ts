/**
 * SIGUSR2 on a running portal writes a heap snapshot into its data directory and the portal goes
 * on serving: how memory is studied at scale (bench/portal-list). It used to be a shutdown signal.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { eventually } from './support/eventually.ts';
import { type PortalProcess, startPortalProcess } from './support/startPortalProcess.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'raydeck-heap-'));
const webRoot = mkdtempSync(join(tmpdir(), 'raydeck-heap-web-'));
writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Raydeck</title>');
let portal: PortalProcess | undefined;
afterAll(() => {
  portal?.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(webRoot, { recursive: true, force: true });
});

const snapshots = () => readdirSync(dataDir).filter((file) => file.endsWith('.heapsnapshot'));

describe('SIGUSR2', () => {
  it(
    'writes a heap snapshot into the data dir, and the portal keeps serving',
    { timeout: 120_000 },
    async () => {
      portal = await startPortalProcess({
        dataDir,
        webRoot,
        adminPassword: 'heap-test-password-1',
      });
      expect(snapshots()).toEqual([]);
      portal.child.kill('SIGUSR2');
      await eventually(() => snapshots().length === 1, 'a heap snapshot in the data dir', 30_000);
      // Written synchronously, so once the portal answers again the file is complete.
      const ready = await fetch(`${portal.url}/readyz`);
      expect(ready.status).toBe(200);
      const [file] = snapshots();
      expect(file).toMatch(/^heap-.+\.heapsnapshot$/);
      const snapshot = JSON.parse(readFileSync(join(dataDir, file ?? ''), 'utf8')) as {
        snapshot?: { node_count?: number };
      };
      expect(snapshot.snapshot?.node_count).toBeGreaterThan(10_000);
      expect(portal.child.exitCode).toBeNull();
    },
  );
});
