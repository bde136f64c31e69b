import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import pg from 'pg';

import { freePort } from './freePort.ts';

/** A throwaway PostgreSQL server on loopback, for the store's tests on its second dialect. */
export interface TestPostgres {
  /** `postgres://raydeck@127.0.0.1:<port>/postgres`, trust authentication. */
  url: string;
  stop: () => Promise<void>;
}

/** Debian's server binaries, newest major first (`postgresql` installs one, e.g. 15 on bookworm). */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : undefined;
}

/**
 * initdb into a temp folder and start `postgres` on a free loopback port, with durability off
 * (fsync, synchronous_commit, full-page writes: a test server loses nothing it needs on a crash).
 * PostgreSQL refuses to run as root, so as root it runs as Debian's `postgres` user. About 2 s.
 * @throws Error when the server binaries are missing or it does not start within 30 s
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (Debian package `postgresql`)');
  const dataDir = mkdtempSync(join(tmpdir(), 'raydeck-pg-'));
  // PostgreSQL refuses to run as root: as root, run it as Debian's `postgres` user.
  const user =
    process.getuid?.() === 0
      ? {
          uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
          gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
        }
      : {};
  if (user.uid !== undefined) chownSync(dataDir, user.uid, user.gid);
  execFileSync(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'raydeck', '--auth=trust', '--encoding=UTF8', '--no-sync'],
    { stdio: 'pipe', ...user },
  );

  const port = await freePort();
  const child: ChildProcess = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      dataDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], ...user },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `postgres://raydeck@127.0.0.1:${port}/postgres`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT'); // "fast shutdown"
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) break;
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return { url, stop };
    } catch {
      await client.end().catch(() => undefined);
      await delay(100);
    }
  }
  await stop();
  throw new Error(`PostgreSQL did not start on port ${port}:\n${log}`);
}

/**
 * A fresh, empty database on `serverUrl` for one test file (so files running in parallel never
 * share tables); returns its URL and a function that drops it.
 */
export async function createTestDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `raydeck_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
