import type { Command } from 'commander';

import type { ClusterDetail } from '../../shared/api/clusterSchemas.ts';
import { defaultWorkerGroupName } from '../../shared/api/validateClusterRequest.ts';
import type { ApiClient } from '../../shared/client/apiClient.ts';
import type { CliRuntime } from '../CliRuntime.ts';
import { paintPhase } from '../clusterView.ts';
import { CliError, exitCodes } from '../exitCodes.ts';
import { parseClusterRef } from '../parseClusterRef.ts';
import { examples } from './examples.ts';

/** Seconds between polls of `--wait`. */
const waitPollSeconds = 2;

interface CreateFlags {
  template?: string;
  team?: string;
  workers?: string;
  rayVersion?: string;
  wait?: boolean;
  timeout: string;
  idempotencyKey?: string;
}

/** `create cluster`, `scale`, `suspend`, `resume`, `delete` and `dashboard`. */
export function addClusterVerbs(program: Command, runtime: CliRuntime): void {
  const create = program.command('create').description('Create a resource');
  create
    .command('cluster <name>')
    .description('Create a Ray cluster from a governed template')
    .requiredOption('--template <template>', 'template name (raydeck get templates)')
    .option('--team <team>', "team (namespace); default the context's team")
    .option('--workers <n>', "workers in the template's worker group; default the template's")
    .option('--ray-version <x.y.z>', "Ray version; default the template's first")
    .option('--wait', 'wait until the cluster is Ready (exit 5 if it fails or time runs out)')
    .option('--timeout <seconds>', 'how long --wait waits', '900')
    .option(
      '--idempotency-key <key>',
      'retry-safe key: the same key never creates a second cluster; default a new UUID',
    )
    .addHelpText(
      'after',
      examples([
        'raydeck create cluster demo --template rtx4090-1 --wait',
        'raydeck create cluster train --team team-a --template a100-1 --workers 2',
      ]),
    )
    .action(async (nameArg: string, flags: CreateFlags) => {
      const workers = optionalCount(flags.workers, '--workers');
      const timeout = optionalCount(flags.timeout, '--timeout') ?? 900;
      const { client, context } = await runtime.client();
      const ref = parseClusterRef(nameArg, flags.team, context);
      const body = {
        name: ref.name,
        team: ref.team,
        template: flags.template ?? '',
        ...(flags.rayVersion ? { rayVersion: flags.rayVersion } : {}),
        ...(workers !== undefined
          ? { workerGroups: [{ name: defaultWorkerGroupName, replicas: workers }] }
          : {}),
      };
      // One key per attempt, as the web wizard does, so a retried POST never makes two.
      const key = flags.idempotencyKey ?? crypto.randomUUID();
      await client.createCluster(body, key);
      runtime.out(`cluster/${ref.team}/${ref.name} created\n`);
      if (flags.wait) await waitForReady(runtime, client, ref.team, ref.name, timeout);
    });

  program
    .command('scale <cluster>')
    .description('Set the number of workers of a worker group')
    .requiredOption('--workers <n>', 'desired workers')
    .option('--group <group>', 'worker group; default the first')
    .option('--min <n>', 'autoscaler minimum')
    .option('--max <n>', 'autoscaler maximum')
    .option('--team <team>', 'team of the cluster')
    .addHelpText('after', examples(['raydeck scale team-a/demo --workers 3']))
    .action(
      async (
        clusterArg: string,
        flags: { workers: string; group?: string; min?: string; max?: string; team?: string },
      ) => {
        const replicas = optionalCount(flags.workers, '--workers') ?? 0;
        const minReplicas = optionalCount(flags.min, '--min');
        const maxReplicas = optionalCount(flags.max, '--max');
        const { client, context } = await runtime.client();
        const ref = parseClusterRef(clusterArg, flags.team, context);
        let group = flags.group;
        if (!group) {
          const detail = await client.getCluster(ref.team, ref.name);
          group = detail.explanation.find((entry) => entry.kind === 'worker')?.group;
          if (!group)
            throw new CliError(
              `cluster/${ref.team}/${ref.name} has no worker group`,
              exitCodes.usage,
            );
        }
        await client.scaleCluster(ref.team, ref.name, {
          group,
          replicas,
          ...(minReplicas !== undefined ? { minReplicas } : {}),
          ...(maxReplicas !== undefined ? { maxReplicas } : {}),
        });
        runtime.out(`cluster/${ref.team}/${ref.name} scaled: ${group} to ${replicas}\n`);
      },
    );

  for (const [verb, description, call, done] of [
    [
      'suspend',
      'Stop all pods of a cluster, keeping its definition (GPUs are freed)',
      (client: ApiClient, team: string, name: string) => client.suspendCluster(team, name),
      'suspended',
    ],
    [
      'resume',
      'Start a suspended cluster again',
      (client: ApiClient, team: string, name: string) => client.resumeCluster(team, name),
      'resumed',
    ],
  ] as const) {
    program
      .command(`${verb} <cluster>`)
      .description(description)
      .option('--team <team>', 'team of the cluster')
      .addHelpText('after', examples([`raydeck ${verb} team-a/demo`]))
      .action(async (clusterArg: string, flags: { team?: string }) => {
        const { client, context } = await runtime.client();
        const ref = parseClusterRef(clusterArg, flags.team, context);
        await call(client, ref.team, ref.name);
        runtime.out(`cluster/${ref.team}/${ref.name} ${done}\n`);
      });
  }

  program
    .command('delete <kind> <name>')
    .description('Delete a cluster; asks first unless --yes (and refuses without a terminal)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--team <team>', 'team of the cluster')
    .addHelpText(
      'after',
      examples(['raydeck delete cluster team-a/demo', 'raydeck delete cluster demo --yes']),
    )
    .action(async (kind: string, clusterArg: string, flags: { yes?: boolean; team?: string }) => {
      if (!['cluster', 'clusters', 'raycluster'].includes(kind))
        throw new CliError(`delete knows "cluster", not "${kind}"`, exitCodes.usage);
      const { client, context } = await runtime.client();
      const ref = parseClusterRef(clusterArg, flags.team, context);
      if (!flags.yes) {
        if (!runtime.io.stdinIsTTY)
          throw new CliError(
            `refusing to delete cluster/${ref.team}/${ref.name} without a terminal to confirm: pass --yes`,
            exitCodes.refused,
          );
        const yes = await runtime.io.confirm(
          `Delete cluster ${ref.team}/${ref.name} and everything running on it?`,
        );
        if (!yes) throw new CliError('not deleted', exitCodes.refused);
      }
      await client.deleteCluster(ref.team, ref.name);
      runtime.out(`cluster/${ref.team}/${ref.name} deleted\n`);
    });

  program
    .command('dashboard <cluster>')
    .description("Print the URL of a cluster's Ray dashboard through the portal (--open opens it)")
    .option('--open', 'open it in the browser (signed in to the portal there)')
    .option('--team <team>', 'team of the cluster')
    .addHelpText(
      'after',
      examples(['raydeck dashboard team-a/demo', 'raydeck dashboard demo --open']),
    )
    .action(async (clusterArg: string, flags: { open?: boolean; team?: string }) => {
      const { client, context } = await runtime.client();
      const ref = parseClusterRef(clusterArg, flags.team, context);
      const detail = await client.getCluster(ref.team, ref.name);
      const url = dashboardUrl(context.server, detail);
      runtime.out(`${url}\n`);
      if (flags.open) await runtime.io.openUrl(url);
    });
}

/** The dashboard's URL: absolute as the server gives it, else the portal's proxy path. */
export function dashboardUrl(server: string, detail: ClusterDetail): string {
  const url = detail.endpoints.dashboardUrl;
  return /^https?:\/\//.test(url) ? url : `${server}${url.startsWith('/') ? '' : '/'}${url}`;
}

/** A whole number ≥ 0 from a flag, or undefined when absent; bad usage otherwise. */
function optionalCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new CliError(`${flag} must be a whole number, got "${value}"`, exitCodes.usage);
  return Number(value);
}

/**
 * Polls the cluster until Ready (exit 0), Failed (exit 5) or `timeoutSeconds` of polling (exit
 * 5). On a TTY one phase line is redrawn in place; otherwise each new phase is its own line.
 */
async function waitForReady(
  runtime: CliRuntime,
  client: ApiClient,
  team: string,
  name: string,
  timeoutSeconds: number,
): Promise<void> {
  const tty = runtime.io.stdout.isTTY === true;
  let last = '';
  const polls = Math.max(1, Math.ceil(timeoutSeconds / waitPollSeconds));
  for (let poll = 0; poll <= polls; poll++) {
    const { summary } = await client.getCluster(team, name);
    const line = `cluster/${team}/${name}: ${summary.phase} (workers ${summary.workers.ready}/${summary.workers.desired})${summary.reason ? ` ${summary.reason}` : ''}`;
    if (line !== last) {
      const shown = line.replace(summary.phase, paintPhase(runtime, summary.phase));
      runtime.out(tty ? `\r\u001b[K${shown}` : `${shown}\n`);
      last = line;
    }
    if (summary.phase === 'Ready') {
      if (tty) runtime.out('\n');
      return;
    }
    if (summary.phase === 'Failed') {
      if (tty) runtime.out('\n');
      throw new CliError(
        `cluster/${team}/${name} failed: raydeck describe cluster ${team}/${name}`,
        exitCodes.failed,
      );
    }
    if (poll < polls) await runtime.io.sleep(waitPollSeconds * 1000);
  }
  if (tty) runtime.out('\n');
  throw new CliError(
    `cluster/${team}/${name} not Ready after ${timeoutSeconds} s: raydeck describe cluster ${team}/${name} says why`,
    exitCodes.failed,
  );
}
