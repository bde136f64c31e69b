import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import type { Command } from 'commander';

import type { CliRuntime } from '../CliRuntime.ts';
import { CliError, exitCodes } from '../exitCodes.ts';
import { formatOutput, parseOutputFormat } from '../formatOutput.ts';
import { parseClusterRef } from '../parseClusterRef.ts';
import {
  RayDashboardClient,
  type RayJobDetails,
  terminalRayJobStates,
} from '../RayDashboardClient.ts';
import { startDashboardProxy } from '../startDashboardProxy.ts';
import { examples } from './examples.ts';

/** Seconds between polls of a followed job (status and log), as `ray job submit` polls. */
const followPollSeconds = 1;

interface SubmitFlags {
  cluster: string;
  team?: string;
  workingDir?: string;
  runtimeEnvJson?: string;
  submissionId?: string;
  follow: boolean;
}

/** `proxy`, `job submit|logs|stop|list` and `serve deploy|status|delete` through the portal. */
export function addRayVerbs(program: Command, runtime: CliRuntime): void {
  const dashboard = async (clusterArg: string, team: string | undefined) => {
    const { context } = await runtime.client();
    const ref = parseClusterRef(clusterArg, team, context);
    return {
      ref,
      ray: new RayDashboardClient({
        server: context.server,
        token: context.token,
        ...ref,
        fetch: runtime.fetch,
      }),
    };
  };

  program
    .command('proxy <cluster>')
    .description(
      "Forward a local port (127.0.0.1) to the cluster's Ray dashboard through the portal, so `ray job submit --address` works from here",
    )
    .option('--port <port>', 'local port (0: any free one)', '8265')
    .option('--team <team>', 'team of the cluster')
    .addHelpText(
      'after',
      examples([
        'raydeck proxy team-a/demo &',
        'ray job submit --address http://127.0.0.1:8265 --working-dir . -- python train.py',
      ]),
    )
    .action(async (clusterArg: string, flags: { port: string; team?: string }) => {
      if (!/^\d+$/.test(flags.port) || Number(flags.port) > 65535)
        throw new CliError(`--port must be 0..65535, got "${flags.port}"`, exitCodes.usage);
      const { client, context } = await runtime.client();
      const ref = parseClusterRef(clusterArg, flags.team, context);
      // Fails early (404, 403) instead of on the first forwarded request.
      await client.getCluster(ref.team, ref.name);
      const proxy = await startDashboardProxy({
        server: context.server,
        token: context.token,
        ...ref,
        port: Number(flags.port),
      });
      runtime.out(
        `Forwarding ${proxy.url} -> cluster ${ref.team}/${ref.name} dashboard via ${context.server} (Ctrl-C ends)\n` +
          `  ray job submit --address ${proxy.url} -- python script.py\n`,
      );
      await untilStopped(runtime);
      await proxy.close();
    });

  const job = program.command('job').description('Ray jobs on a running cluster (Ray Jobs API)');
  job
    .command('submit')
    .description(
      'Submit a Ray job to a cluster as `ray job submit` does; follows its log and exits with its result',
    )
    .argument('<entrypoint...>', 'command after --, e.g. -- python train.py')
    .requiredOption('--cluster <cluster>', 'team/name or name of a running cluster')
    .option('--team <team>', 'team of the cluster')
    .option('--working-dir <dir>', 'folder to upload as the job working_dir')
    .option('--runtime-env-json <json>', 'runtime_env as JSON, e.g. {"pip":["torch"]}')
    .option('--submission-id <id>', 'submission id; default one from Ray')
    .option('--no-follow', 'print the submission id and return without following the log')
    .addHelpText(
      'after',
      examples([
        'raydeck job submit --cluster demo --working-dir workloads -- python gpu_check.py',
        'raydeck job submit --cluster team-a/demo --no-follow -- python -c "import ray; ray.init()"',
      ]),
    )
    .action(async (entrypoint: string[], flags: SubmitFlags) => {
      let runtimeEnv: Record<string, unknown> = {};
      if (flags.runtimeEnvJson !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(flags.runtimeEnvJson);
        } catch (error) {
          throw new CliError(
            `--runtime-env-json is not JSON: ${error instanceof Error ? error.message : String(error)}`,
            exitCodes.usage,
          );
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new CliError('--runtime-env-json must be a JSON object', exitCodes.usage);
        runtimeEnv = Object.fromEntries(Object.entries(parsed));
      }
      let zip: Uint8Array | undefined;
      if (flags.workingDir !== undefined) {
        const dir = resolve(flags.workingDir);
        if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
          throw new CliError(`--working-dir ${flags.workingDir} is not a folder`, exitCodes.usage);
        const { zipDirectory } = await import('../zipDirectory.ts');
        zip = zipDirectory(dir);
      }
      const { ref, ray } = await dashboard(flags.cluster, flags.team);
      if (zip) {
        // Content-addressed like Ray's: the same files upload to the same name once.
        const name = `_ray_pkg_${createHash('md5').update(zip).digest('hex')}.zip`;
        await ray.call('PUT', `/api/packages/gcs/${name}`, { bytes: zip });
        runtimeEnv['working_dir'] = `gcs://${name}`;
        runtime.err(`Uploaded working dir ${flags.workingDir} as gcs://${name}\n`);
      }
      const answer = await ray.json<{ submission_id?: string; job_id?: string }>(
        'POST',
        '/api/jobs/',
        {
          entrypoint: entrypoint.map(quoteArgument).join(' '),
          ...(Object.keys(runtimeEnv).length > 0 ? { runtime_env: runtimeEnv } : {}),
          ...(flags.submissionId ? { submission_id: flags.submissionId } : {}),
        },
      );
      const id = answer.submission_id ?? answer.job_id;
      if (!id) throw new CliError('Ray answered without a submission id', exitCodes.error);
      runtime.err(`Job '${id}' submitted to ${ref.team}/${ref.name}\n`);
      if (!flags.follow) {
        runtime.out(`${id}\n`);
        return;
      }
      await followJob(runtime, ray, id);
    });

  job
    .command('logs <id>')
    .description("Print a job's driver log (-f: follow until it ends, exit with its result)")
    .requiredOption('--cluster <cluster>', 'team/name or name of the cluster')
    .option('--team <team>', 'team of the cluster')
    .option('-f, --follow', 'follow until the job ends')
    .addHelpText('after', examples(['raydeck job logs raysubmit_abc --cluster demo -f']))
    .action(async (id: string, flags: { cluster: string; team?: string; follow?: boolean }) => {
      const { ray } = await dashboard(flags.cluster, flags.team);
      if (flags.follow) {
        await followJob(runtime, ray, id);
        return;
      }
      const { logs } = await ray.json<{ logs: string }>(
        'GET',
        `/api/jobs/${encodeURIComponent(id)}/logs`,
      );
      runtime.out(logs);
    });

  job
    .command('stop <id>')
    .description('Ask Ray to stop a job')
    .requiredOption('--cluster <cluster>', 'team/name or name of the cluster')
    .option('--team <team>', 'team of the cluster')
    .addHelpText('after', examples(['raydeck job stop raysubmit_abc --cluster demo']))
    .action(async (id: string, flags: { cluster: string; team?: string }) => {
      const { ray } = await dashboard(flags.cluster, flags.team);
      const { stopped } = await ray.json<{ stopped: boolean }>(
        'POST',
        `/api/jobs/${encodeURIComponent(id)}/stop`,
      );
      runtime.out(stopped ? `job ${id} stopping\n` : `job ${id} had already ended\n`);
    });

  job
    .command('list')
    .description("List a cluster's Ray jobs")
    .requiredOption('--cluster <cluster>', 'team/name or name of the cluster')
    .option('--team <team>', 'team of the cluster')
    .option('-o, --output <format>', 'table|wide|json|yaml|name', 'table')
    .addHelpText('after', examples(['raydeck job list --cluster demo -o json']))
    .action(async (flags: { cluster: string; team?: string; output?: string }) => {
      const format = parseOutputFormat(flags.output);
      const { ray } = await dashboard(flags.cluster, flags.team);
      const jobs = await ray.json<RayJobDetails[]>('GET', '/api/jobs/');
      runtime.out(
        await formatOutput(
          format,
          jobs,
          {
            columns: [
              { header: 'submission id', cell: (item) => item.submission_id ?? '-' },
              { header: 'status', cell: (item) => item.status },
              { header: 'entrypoint', cell: (item) => item.entrypoint },
              { header: 'message', cell: (item) => item.message ?? '', wide: true },
            ],
            name: (item) => `job/${item.submission_id ?? item.job_id ?? ''}`,
          },
          'No jobs on this cluster.',
        ),
      );
    });

  const serve = program
    .command('serve-app')
    .alias('serve-apps')
    .description('Ray Serve applications of a cluster (Serve REST API through the portal)');
  addServeVerbs(serve, runtime, dashboard);
}

/**
 * `serve-app deploy|status|delete`. Named serve-app because `raydeck serve` runs the portal
 * server (src/main.ts); the issue's `serve deploy|status|delete` map onto these.
 */
function addServeVerbs(
  serve: Command,
  runtime: CliRuntime,
  dashboard: (
    cluster: string,
    team: string | undefined,
  ) => Promise<{ ray: RayDashboardClient; ref: { team: string; name: string } }>,
): void {
  serve
    .command('deploy <config>')
    .description('Deploy (replace) the Serve applications from a Serve config file (YAML or JSON)')
    .requiredOption('--cluster <cluster>', 'team/name or name of the cluster')
    .option('--team <team>', 'team of the cluster')
    .addHelpText('after', examples(['raydeck serve-app deploy serve.yaml --cluster demo']))
    .action(async (file: string, flags: { cluster: string; team?: string }) => {
      const { parse } = await import('yaml');
      let config: unknown;
      try {
        config = parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new CliError(
          `${file}: ${error instanceof Error ? error.message : String(error)}`,
          exitCodes.usage,
        );
      }
      const { ray, ref } = await dashboard(flags.cluster, flags.team);
      await ray.call('PUT', '/api/serve/applications/', { json: config });
      runtime.out(
        `Serve config sent to ${ref.team}/${ref.name}: raydeck serve-app status --cluster ${ref.team}/${ref.name}\n`,
      );
    });
  serve
    .command('status')
    .description('Show the Serve applications and their status')
    .requiredOption('--cluster <cluster>', 'team/name or name of the cluster')
    .option('--team <team>', 'team of the cluster')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .addHelpText('after', examples(['raydeck serve-app status --cluster demo']))
    .action(async (flags: { cluster: string; team?: string; output?: string }) => {
      const format = parseOutputFormat(flags.output);
      const { ray } = await dashboard(flags.cluster, flags.team);
      const details = await ray.json<{
        applications?: Record<
          string,
          { status?: string; route_prefix?: string | null; message?: string }
        >;
      }>('GET', '/api/serve/applications/');
      if (format === 'json' || format === 'yaml') {
        runtime.out(await formatOutput(format, details, { columns: [], name: () => '' }, ''));
        return;
      }
      const apps = Object.entries(details.applications ?? {}).map(([name, app]) => ({
        name,
        ...app,
      }));
      runtime.out(
        await formatOutput(
          format,
          apps,
          {
            columns: [
              { header: 'application', cell: (app) => app.name },
              { header: 'status', cell: (app) => app.status ?? '-' },
              { header: 'route', cell: (app) => app.route_prefix ?? '-' },
              { header: 'message', cell: (app) => app.message ?? '', wide: true },
            ],
            name: (app) => `serveapp/${app.name}`,
          },
          'No Serve applications.',
        ),
      );
    });
  serve
    .command('delete')
    .description('Delete all Serve applications of the cluster')
    .requiredOption('--cluster <cluster>', 'team/name or name of the cluster')
    .option('--team <team>', 'team of the cluster')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', examples(['raydeck serve-app delete --cluster demo --yes']))
    .action(async (flags: { cluster: string; team?: string; yes?: boolean }) => {
      const { ray, ref } = await dashboard(flags.cluster, flags.team);
      if (!flags.yes) {
        if (!runtime.io.stdinIsTTY)
          throw new CliError(
            'refusing to delete without a terminal to confirm: pass --yes',
            exitCodes.refused,
          );
        if (
          !(await runtime.io.confirm(`Delete every Serve application of ${ref.team}/${ref.name}?`))
        )
          throw new CliError('not deleted', exitCodes.refused);
      }
      await ray.call('DELETE', '/api/serve/applications/');
      runtime.out(`Serve applications of ${ref.team}/${ref.name} deleted\n`);
    });
}

/**
 * Prints the job's log as it grows and returns when the job ends: exit 0 when SUCCEEDED,
 * exit 5 (failed) when FAILED or STOPPED, with Ray's message.
 */
async function followJob(runtime: CliRuntime, ray: RayDashboardClient, id: string): Promise<void> {
  const path = `/api/jobs/${encodeURIComponent(id)}`;
  let printed = 0;
  for (;;) {
    const details = await ray.json<RayJobDetails>('GET', path);
    const { logs } = await ray.json<{ logs: string }>('GET', `${path}/logs`);
    if (logs.length > printed) {
      runtime.out(logs.slice(printed));
      printed = logs.length;
    }
    if (terminalRayJobStates.has(details.status)) {
      if (details.status === 'SUCCEEDED') {
        runtime.err(`Job '${id}' succeeded\n`);
        return;
      }
      throw new CliError(
        `job '${id}' ${details.status.toLowerCase()}${details.message ? `: ${details.message}` : ''}`,
        exitCodes.failed,
      );
    }
    if (runtime.io.signal?.aborted) return;
    await runtime.io.sleep(followPollSeconds * 1000);
  }
}

/** One entrypoint argument as a POSIX shell word: quoted only when it needs to be. */
function quoteArgument(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** Resolves when io.signal aborts, or on SIGINT/SIGTERM of the real process. */
function untilStopped(runtime: CliRuntime): Promise<void> {
  return new Promise((resolveStop) => {
    const signal = runtime.io.signal;
    if (signal) {
      if (signal.aborted) resolveStop();
      signal.addEventListener('abort', () => resolveStop(), { once: true });
      return;
    }
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
}
