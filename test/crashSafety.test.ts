/**
 * Crash safety of `raydeck serve` with its embedded sandbox: creates are answered, the process
 * (portal and sandbox in one) is killed with SIGKILL while creates are in flight, and a restart
 * on the same data directory must keep every acknowledged cluster, resolve every audit entry
 * and leave no Idempotency-Key stuck "in progress". Runs from source under tsx (no build).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { afterAll, describe, expect, it } from 'vitest';

import { type PortalProcess, startPortalProcess } from './support/startPortalProcess.ts';

const adminPassword = 'crash-test-password-1';
const createCount = 50;
/**
 * SIGKILL once this many creates were answered 201 and the sandbox holds a cluster whose create
 * has not been answered yet (the window between the Kubernetes call and the answer).
 */
const killAfterCreated = 5;

/** The crash test's portal: its own process, so it can be killed with SIGKILL. */
const startPortal = (dataDir: string): Promise<PortalProcess> =>
  startPortalProcess({ dataDir, webRoot, adminPassword });

/** A signed-in session: cookie and CSRF token headers for every request. */
async function signIn(url: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${await response.text()}`);
  const session = (await response.json()) as { csrfToken: string | null };
  const cookie = response.headers
    .getSetCookie()
    .map((setCookie) => setCookie.split(';')[0])
    .join('; ');
  return { cookie, 'x-csrf-token': session.csrfToken ?? '' };
}

const createBody = (index: number) => ({
  name: `crash-${index}`,
  team: 'team-a',
  template: 'cpu-small',
  workerGroups: [{ name: 'workers', replicas: 0 }],
});
const keyOf = (index: number) => `crash-key-${index}`;

interface CreateAnswer {
  status: number;
  uid?: string;
}

async function create(
  url: string,
  session: Record<string, string>,
  index: number,
): Promise<CreateAnswer> {
  const response = await fetch(`${url}/api/v1/clusters`, {
    method: 'POST',
    headers: { ...session, 'content-type': 'application/json', 'idempotency-key': keyOf(index) },
    body: JSON.stringify(createBody(index)),
  });
  const body = (await response.json()) as { manifest?: { metadata?: { uid?: string } } };
  const uid = body.manifest?.metadata?.uid;
  return { status: response.status, ...(uid ? { uid } : {}) };
}

async function getJson<T>(url: string, session: Record<string, string>, path: string): Promise<T> {
  const response = await fetch(`${url}${path}`, { headers: session });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const dataDir = mkdtempSync(join(tmpdir(), 'raydeck-crash-'));
const webRoot = mkdtempSync(join(tmpdir(), 'raydeck-crash-web-'));
writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Raydeck</title>');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(webRoot, { recursive: true, force: true });
});

describe('kill -9 during creates (portal with its embedded sandbox)', () => {
  it('keeps every acknowledged cluster, resolves audit entries, leaves no key stuck', async () => {
    const first = await startPortal(dataDir);
    children.push(first.child);
    const session = await signIn(first.url);
    // The sandbox's starter templates are seeded once the cache has synced.
    for (let attempt = 0; ; attempt++) {
      const templates = await getJson<{ items: { name: string }[] }>(
        first.url,
        session,
        '/api/v1/templates',
      );
      if (templates.items.some((template) => template.name === 'cpu-small')) break;
      if (attempt > 100) {
        throw new Error(
          `template cpu-small was never seeded: ${JSON.stringify(templates)}\n${first.output()}`,
        );
      }
      await delay(100);
    }

    let created = 0;
    const answered = new Set<string>();
    const killed = new Promise<void>((resolve) => first.child.once('exit', () => resolve()));
    // Watch the sandbox directly: its ADDED events show creates before the portal answers them.
    const sandboxUrl = /sandbox cluster at (http:\/\/\S+)/.exec(first.output())?.[1] ?? '';
    const watch = request(
      `${sandboxUrl}/apis/ray.io/v1/namespaces/team-a/rayclusters?watch=true`,
      (response) => {
        let buffered = '';
        response.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            const event = JSON.parse(line) as {
              type: string;
              object: { metadata: { name: string } };
            };
            const name = event.object.metadata.name;
            if (event.type === 'ADDED' && created >= killAfterCreated && !answered.has(name)) {
              first.child.kill('SIGKILL');
            }
          }
        });
        response.on('error', () => undefined);
      },
    );
    watch.on('error', () => undefined);
    watch.end();
    const answers = await Promise.all(
      Array.from({ length: createCount }, async (_, index) => {
        const answer = await create(first.url, session, index).catch(() => undefined);
        if (answer?.status === 201) {
          answered.add(`crash-${index}`);
          created++;
        }
        return answer;
      }),
    );
    watch.destroy();
    if (first.child.exitCode === null && first.child.signalCode === null) {
      first.child.kill('SIGKILL');
    }
    await killed;
    const acknowledged = answers.flatMap((answer, index) =>
      answer?.status === 201 ? [{ index, uid: answer.uid }] : [],
    );
    const unanswered = answers.filter((answer) => answer === undefined).length;
    process.stdout.write(
      `crash test: ${acknowledged.length} creates answered 201, ${unanswered} cut off by SIGKILL\n`,
    );
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfterCreated);
    expect(answers.every((answer) => answer === undefined || answer.status === 201)).toBe(true);

    const second = await startPortal(dataDir);
    children.push(second.child);
    const again = await signIn(second.url);
    const report = /"keysCompleted":\d+,"keysReleased":\d+,"auditResolved":\d+/.exec(
      second.output(),
    );
    process.stdout.write(`crash test: restart reconciled ${report?.[0] ?? 'nothing'}\n`);

    // Every acknowledged create survived, with the uid it was answered with.
    for (const { index, uid } of acknowledged) {
      const detail = await getJson<{ resource: { metadata: { uid: string } } }>(
        second.url,
        again,
        `/api/v1/clusters/team-a/crash-${index}`,
      );
      expect(detail.resource.metadata.uid).toBe(uid);
    }

    // Every existing cluster has a resolved audit entry; none is left pending.
    const clusters = await getJson<{ items: { name: string; namespace: string; uid: string }[] }>(
      second.url,
      again,
      '/api/v1/clusters?limit=500',
    );
    const existing = clusters.items.filter((item) => item.name.startsWith('crash-'));
    const audit = await getJson<{
      items: { targetName: string | null; result: string; details: Record<string, unknown> }[];
    }>(second.url, again, '/api/v1/audit?action=cluster.create&limit=500');
    expect(audit.items.filter((entry) => entry.result === 'pending')).toEqual([]);
    for (const cluster of existing) {
      expect(
        audit.items.some(
          (entry) => entry.targetName === cluster.name && entry.result === 'success',
        ),
        `audit entry for ${cluster.name}`,
      ).toBe(true);
    }

    // Retrying every key answers 201 with the same cluster, or creates it now; none is stuck.
    const retries = await Promise.all(
      Array.from({ length: createCount }, (_, index) => create(second.url, again, index)),
    );
    retries.forEach((retry, index) => {
      expect(retry.status, `retry of ${keyOf(index)}`).toBe(201);
      const before = acknowledged.find((entry) => entry.index === index);
      if (before) expect(retry.uid).toBe(before.uid);
      // Created before the kill but never answered: the retry returns that very cluster.
      const survived = existing.find((cluster) => cluster.name === `crash-${index}`);
      if (survived) expect(retry.uid, `retry of ${keyOf(index)}`).toBe(survived.uid);
    });
    const after = await getJson<{ items: { name: string }[] }>(
      second.url,
      again,
      '/api/v1/clusters?limit=500',
    );
    expect(after.items.filter((item) => item.name.startsWith('crash-')).length).toBe(createCount);
    second.child.kill('SIGTERM');
  }, 120_000);
});
