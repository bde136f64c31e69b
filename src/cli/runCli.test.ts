import { type ChildProcess, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { nodeRuntimeEnv } from '../../test/support/nodeRuntimeEnv.ts';
import { startPortalProcess, stopPortalProcess } from '../../test/support/startPortalProcess.ts';
import type { CliIo } from './CliIo.ts';
import { exitCodes } from './exitCodes.ts';
import { runCli } from './runCli.ts';

/** The package folder (src/cli/../..); the CLI may not import the server's packageRoot. */
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const adminPassword = 'cli-test-admin-password-1';
/** A fixed "now" for AGE columns: tests never read the clock. */
const fixedNow = Date.parse('2026-12-08T00:00:00Z');

interface Captured {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
}

let portal: ChildProcess | undefined;
let url = '';
let token = '';
let work = '';

/** An in-process I/O: buffers for the streams, this test's config dir, short poll waits. */
function captured(overrides: Partial<CliIo> = {}): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      env: {},
      stdinIsTTY: false,
      configDir: join(work, 'config'),
      confirm: () => Promise.resolve(false),
      openUrl: () => Promise.resolve(),
      // The sandbox runs 20× faster than real time; a poll every 100 ms is plenty.
      sleep: (ms) => delay(Math.min(ms, 100)),
      now: () => fixedNow,
      readStdin: () => Promise.resolve(`${token}\n`),
      ...overrides,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

async function cli(argv: string[], overrides: Partial<CliIo> = {}) {
  const run = captured(overrides);
  const code = await runCli(argv, run.io);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** A signed-in `admin` browser session: its cookie and CSRF token. */
async function adminSession(): Promise<{ cookie: string; csrfToken: string }> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { csrfToken, cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
}

/** An API token of `admin`, made as the Tokens page makes it (session + CSRF). */
async function adminToken(): Promise<string> {
  const { csrfToken, cookie } = await adminSession();
  const created = await fetch(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'cli-test' }),
  });
  return ((await created.json()) as { token: string }).token;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'raydeck-cli-'));
  mkdirSync(join(work, 'web'));
  writeFileSync(join(work, 'web', 'index.html'), '<!doctype html>');
  // A real `raydeck serve` on its embedded sandbox (the GPU lab world), 20× faster than real.
  const started = await startPortalProcess({
    dataDir: join(work, 'data'),
    webRoot: join(work, 'web'),
    adminPassword,
    args: ['--sandbox-speed', '20'],
  });
  portal = started.child;
  url = started.url;
  token = await adminToken();
}, 120_000);

afterAll(async () => {
  // The portal writes its data dir until it has exited; remove the folder only then.
  if (portal) await stopPortalProcess(portal);
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 3 });
}, 30_000);

describe('raydeck CLI against a running portal and sandbox', () => {
  it('login checks the token and saves a context in config.yaml with mode 0600', async () => {
    const bad = await cli(['--server', url, 'login', '--token', 'rdk_not-a-real-token']);
    expect(bad.code).toBe(exitCodes.auth);

    const login = await cli(['--server', url, 'login', '--token-stdin', '--name', 'local']);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain('as admin');
    const file = join(work, 'config', 'config.yaml');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(token);

    const whoami = await cli(['whoami', '-o', 'json']);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ username: 'admin', role: 'admin' });

    const contexts = await cli(['config', 'get-contexts', '-o', 'json']);
    expect(contexts.stdout).not.toContain(token);
    expect(JSON.parse(contexts.stdout)).toMatchObject({
      items: [{ name: 'local', server: url, user: 'admin', current: true }],
    });
  });

  it('warns when the config file is readable by others, and switches contexts', async () => {
    const file = join(work, 'config', 'config.yaml');
    chmodSync(file, 0o644);
    const whoami = await cli(['whoami']);
    expect(whoami.code).toBe(0);
    expect(whoami.stderr).toContain('chmod 600');
    chmodSync(file, 0o600);

    expect((await cli(['config', 'use-context', 'nope'])).code).toBe(exitCodes.notFound);
    expect((await cli(['config', 'use-context', 'local'])).code).toBe(0);
  });

  it('get templates and gpus: table, json, name', async () => {
    const table = await cli(['get', 'templates']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+GPU/);
    expect(table.stdout).toContain('rtx4090-1');
    const json = JSON.parse((await cli(['get', 'templates', '-o', 'json'])).stdout) as {
      items: { name: string }[];
    };
    expect(json.items.map((item) => item.name)).toContain('rtx4090-1');
    const names = await cli(['get', 'gpus', '-o', 'name']);
    expect(names.stdout).toMatch(/^gpu\/\S+\/nvidia\.com\/gpu$/m);
    const bad = await cli(['get', 'templates', '-o', 'xml']);
    expect(bad.code).toBe(exitCodes.usage);
    expect(bad.stderr).toContain('-o must be one of');
  });

  it('create --wait prints plain phase lines without a TTY and ends Ready; get -o json shows it', async () => {
    const created = await cli([
      'create',
      'cluster',
      'cli-demo',
      '--template',
      'rtx4090-1',
      '--wait',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines[0]).toBe('cluster/team-a/cli-demo created');
    expect(lines.at(-1)).toMatch(/^cluster\/team-a\/cli-demo: Ready \(workers 1\/1\)/);
    expect(created.stdout).not.toContain('\u001b');

    const json = JSON.parse((await cli(['get', 'clusters', '-o', 'json'])).stdout) as {
      items: { namespace: string; name: string; phase: string }[];
    };
    expect(json.items).toContainEqual(
      expect.objectContaining({ namespace: 'team-a', name: 'cli-demo', phase: 'Ready' }),
    );
    const described = await cli(['describe', 'cluster', 'team-a/cli-demo']);
    expect(described.stdout).toContain('Groups (why pending):');
    expect(described.stdout).toMatch(/workers \(worker\): 1\/1 ready, ok/);
    expect((await cli(['dashboard', 'cli-demo'])).stdout).toBe(
      `${url}/api/v1/clusters/team-a/cli-demo/dashboard/\n`,
    );
  }, 120_000);

  it('proxy forwards a Ray Jobs API request to the dashboard through the portal', async () => {
    const stop = new AbortController();
    const run = captured({ signal: stop.signal });
    const running = runCli(['proxy', 'team-a/cli-demo', '--port', '0'], run.io);
    let local = '';
    while (!local) {
      local = /Forwarding (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1] ?? '';
      if (run.stderr()) throw new Error(run.stderr());
      await delay(20);
    }
    // What `ray job submit --address <local>` sends first: the version, then the job.
    const version = await fetch(`${local}/api/version`);
    expect(version.status).toBe(200);
    const submitted = await fetch(`${local}/api/jobs/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entrypoint: 'python -c "print(1)"', submission_id: 'via-proxy-1' }),
    });
    expect(submitted.status).toBe(200);
    expect(await submitted.json()).toMatchObject({ submission_id: 'via-proxy-1' });
    const listed = (await (await fetch(`${local}/api/jobs/`)).json()) as {
      submission_id: string;
    }[];
    expect(listed.map((job) => job.submission_id)).toContain('via-proxy-1');
    stop.abort();
    expect(await running).toBe(0);
  }, 60_000);

  it('job submit uploads the working dir, follows the log and exits with the result', async () => {
    const dir = join(work, 'job');
    mkdirSync(join(dir, 'data'), { recursive: true });
    copyFileSync(join(packageRoot, 'workloads', 'gpu_check.py'), join(dir, 'gpu_check.py'));
    writeFileSync(join(dir, 'data', 'notes.txt'), 'packed too\n');
    const submitted = await cli([
      'job',
      'submit',
      '--cluster',
      'cli-demo',
      '--working-dir',
      dir,
      '--',
      'python',
      'gpu_check.py',
    ]);
    expect(submitted.stderr).toMatch(
      /Uploaded working dir .* as gcs:\/\/_ray_pkg_[0-9a-f]{32}\.zip/,
    );
    expect(submitted.stdout).toContain('PASS');
    expect(submitted.code).toBe(0);
    const id = /Job '(\S+)' submitted/.exec(submitted.stderr)?.[1] ?? '';
    const listed = JSON.parse(
      (await cli(['job', 'list', '--cluster', 'cli-demo', '-o', 'json'])).stdout,
    ) as { items: { submission_id: string; status: string }[] };
    expect(listed.items).toContainEqual(
      expect.objectContaining({ submission_id: id, status: 'SUCCEEDED' }),
    );
    expect((await cli(['job', 'logs', id, '--cluster', 'cli-demo'])).stdout).toContain('PASS');
  }, 120_000);

  it('errors: the server reason on stderr and the documented exit codes', async () => {
    const missing = await cli(['get', 'cluster', 'team-a/nope']);
    expect(missing.code).toBe(exitCodes.notFound);
    expect(missing.stderr).toContain('404 NotFound');
    const invalid = await cli(['create', 'cluster', 'Bad_Name', '--template', 'rtx4090-1']);
    expect(invalid.code).toBe(exitCodes.error);
    expect(invalid.stderr).toContain('body.name');
    const noTeam = await cli(['get', 'quotas']);
    expect(noTeam.code).toBe(exitCodes.usage);
    expect(noTeam.stderr).toContain('get quotas needs a team');
    const badDay = await cli(['get', 'usage', '--from', 'yesterday']);
    expect(badDay.code).toBe(exitCodes.error);
    expect(badDay.stderr).toContain('querystring.from');
    expect((await cli(['get', 'widgets'])).code).toBe(exitCodes.usage);
    expect((await cli(['no-such-verb'])).code).toBe(exitCodes.usage);
  });

  it('get quotas and usage: a team quota set through the API shows as meters; usage as rows', async () => {
    const { csrfToken, cookie } = await adminSession();
    const set = await fetch(`${url}/api/v1/admin/teams/team-b/quota`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ gpus: 3 }),
    });
    expect(set.status).toBe(200);
    const table = await cli(['get', 'quotas', 'team-b']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^QUOTA\s+KEY\s+USED\s+HARD/m);
    expect(table.stdout).toMatch(/raydeck-team-quota\s+requests\.nvidia\.com\/gpu\s+0\s+3\s+0%/);
    const json = JSON.parse(
      (await cli(['get', 'quotas', '--team', 'team-b', '-o', 'json'])).stdout,
    ) as {
      team: string;
      settings?: { gpus?: number };
    };
    expect(json).toMatchObject({ team: 'team-b', settings: { gpus: 3 } });
    const usage = await cli([
      'get',
      'usage',
      '--from',
      '2026-12-01',
      '--to',
      '2026-12-07',
      '-o',
      'json',
    ]);
    expect(usage.code).toBe(0);
    expect(JSON.parse(usage.stdout)).toMatchObject({
      from: '2026-12-01',
      to: '2026-12-07',
      teams: '*',
    });
  });

  it('completion lists verbs and cluster names from the API', async () => {
    expect((await cli(['__complete', ''])).stdout.split('\n')).toContain('create');
    expect((await cli(['__complete', 'scale', ''])).stdout.split('\n')).toContain(
      'team-a/cli-demo',
    );
    expect((await cli(['completion', 'bash'])).stdout).toContain('complete -o default -F _raydeck');
  });

  it('delete asks first: refuses without a TTY, keeps the cluster on "no", deletes with --yes', async () => {
    const noTty = await cli(['delete', 'cluster', 'cli-demo']);
    expect(noTty.code).toBe(exitCodes.refused);
    expect(noTty.stderr).toContain('pass --yes');
    let asked = '';
    const no = await cli(['delete', 'cluster', 'cli-demo'], {
      stdinIsTTY: true,
      confirm: (question) => {
        asked = question;
        return Promise.resolve(false);
      },
    });
    expect(asked).toContain('team-a/cli-demo');
    expect(no.code).toBe(exitCodes.refused);
    expect((await cli(['get', 'cluster', 'cli-demo'])).code).toBe(0);
    const yes = await cli(['delete', 'cluster', 'cli-demo', '--yes']);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toBe('cluster/team-a/cli-demo deleted\n');
  });

  it('as a process: exit codes, stderr and no prompt without a TTY', () => {
    const env = {
      ...process.env,
      ...nodeRuntimeEnv(),
      XDG_CONFIG_HOME: join(work, 'xdg-empty'),
      RAYDECK_URL: url,
      RAYDECK_TOKEN: token,
      NO_COLOR: '1',
    };
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/dev.ts', ...args], {
        cwd: packageRoot,
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const help = run(['get', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Examples:');
    const refused = run(['delete', 'cluster', 'team-a/whatever']);
    expect(refused.status).toBe(exitCodes.refused);
    expect(refused.stderr).toContain('without a terminal');
    expect(refused.stdout).toBe('');
    const json = run(['get', 'clusters', '-o', 'json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toHaveProperty('items');
    const signedOut = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/dev.ts', 'get', 'clusters'],
      {
        cwd: packageRoot,
        env: { ...process.env, ...nodeRuntimeEnv(), XDG_CONFIG_HOME: join(work, 'xdg-empty') },
        encoding: 'utf8',
      },
    );
    expect(signedOut.status).toBe(exitCodes.auth);
    expect(signedOut.stderr).toContain('raydeck login');
  }, 60_000);
});
