import type { Command } from 'commander';

import type { ClusterDetail, ClusterSummary } from '../../shared/api/clusterSchemas.ts';
import type { GpuInventory } from '../../shared/api/gpuSchemas.ts';
import type { JobSummary } from '../../shared/api/jobSchemas.ts';
import type { QuotaMeter, TeamQuota } from '../../shared/api/quotaSchemas.ts';
import type { ServiceSummary } from '../../shared/api/serviceSchemas.ts';
import type { StreamEvents } from '../../shared/api/streamSchemas.ts';
import type { Template } from '../../shared/api/templateSchemas.ts';
import type { UsageClusterRow, UsageReport } from '../../shared/api/usageSchemas.ts';
import type { ApiClient } from '../../shared/client/apiClient.ts';
import { clusterPhases } from '../../shared/ray/clusterPhase.ts';
import type { CliContext } from '../CliConfigStore.ts';
import type { CliRuntime } from '../CliRuntime.ts';
import { clusterView, paintPhase } from '../clusterView.ts';
import { CliError, exitCodes } from '../exitCodes.ts';
import {
  age,
  formatOutput,
  type ListView,
  type OutputFormat,
  parseOutputFormat,
  renderTable,
} from '../formatOutput.ts';
import { parseClusterRef } from '../parseClusterRef.ts';
import { readEventStream } from '../readEventStream.ts';
import { dashboardUrl } from './addClusterVerbs.ts';
import { examples } from './examples.ts';

/** Kinds `get` knows, with their aliases. */
const kindAliases: Readonly<Record<string, GetKind>> = {
  cluster: 'clusters',
  clusters: 'clusters',
  raycluster: 'clusters',
  rayclusters: 'clusters',
  template: 'templates',
  templates: 'templates',
  gpu: 'gpus',
  gpus: 'gpus',
  job: 'jobs',
  jobs: 'jobs',
  service: 'services',
  services: 'services',
  quota: 'quotas',
  quotas: 'quotas',
  usage: 'usage',
};
export type GetKind = 'clusters' | 'templates' | 'gpus' | 'jobs' | 'services' | 'quotas' | 'usage';
/** The kinds `get` accepts, for help and completion. */
export const getKinds = ['clusters', 'templates', 'gpus', 'jobs', 'services', 'quotas', 'usage'];

interface GetFlags {
  output?: string;
  team?: string;
  phase?: string;
  watch?: boolean;
  from?: string;
  to?: string;
}

/** `get <kind> [name]` and `describe cluster <team/name>`. */
export function addGetVerbs(program: Command, runtime: CliRuntime): void {
  program
    .command('get <kind> [name]')
    .description(`List resources: ${getKinds.join(', ')}`)
    .option('-o, --output <format>', 'table|wide|json|yaml|name', 'table')
    .option('--team <team>', 'only this team (clusters)')
    .option('--phase <phase>', 'only clusters in this phase, e.g. Pending')
    .option('-w, --watch', 'after the list, print each change as it happens (Ctrl-C ends)')
    .option('--from <day>', 'usage: first day, YYYY-MM-DD (default 6 days before --to)')
    .option('--to <day>', 'usage: last day, YYYY-MM-DD (default today)')
    .addHelpText(
      'after',
      examples([
        'raydeck get clusters',
        'raydeck get clusters -o json | jq ".items[].name"',
        'raydeck get cluster team-a/demo -o yaml',
        'raydeck get clusters --watch',
        'raydeck get templates -o wide',
        'raydeck get gpus',
        'raydeck get quotas team-a',
        'raydeck get usage --from 2026-12-01 --to 2026-12-07 --team team-a',
      ]),
    )
    .action(async (kindArg: string, name: string | undefined, flags: GetFlags) => {
      const kind = resolveKind(kindArg);
      const format = parseOutputFormat(flags.output);
      const { client, context } = await runtime.client();
      switch (kind) {
        case 'clusters': {
          if (name) {
            const ref = parseClusterRef(name, flags.team, context);
            const detail = await client.getCluster(ref.team, ref.name);
            runtime.out(await formatOutput(format, detail.summary, clusterView(runtime), ''));
            return;
          }
          const items = await listAllClusters(client, flags);
          runtime.out(
            await formatOutput(format, items, clusterView(runtime), 'No clusters found.'),
          );
          if (flags.watch) await watchClusters(runtime, context, format, flags);
          return;
        }
        case 'templates': {
          const show = async () => {
            const { items } = await client.listTemplates();
            const chosen = name ? items.filter((item) => item.name === name) : items;
            if (name && chosen.length === 0)
              throw new CliError(`no template "${name}"`, exitCodes.notFound);
            runtime.out(
              await formatOutput(
                format,
                name && chosen[0] ? chosen[0] : chosen,
                templateView,
                'No templates.',
              ),
            );
          };
          await show();
          if (flags.watch) await watchChanges(runtime, context, 'templates', show);
          return;
        }
        case 'gpus': {
          const show = async () => {
            const inventory = await client.gpuInventory();
            runtime.out(
              format === 'json' || format === 'yaml'
                ? await formatOutput(format, inventory, gpuInventoryView, '')
                : await formatOutput(format, inventory.nodes, gpuNodeView, 'No GPU nodes.'),
            );
          };
          await show();
          if (flags.watch) await watchChanges(runtime, context, 'inventory', show);
          return;
        }
        case 'jobs': {
          const { items } = await client.listJobs({ ...(flags.team ? { team: flags.team } : {}) });
          const chosen = name ? items.filter((item) => item.id === name) : items;
          runtime.out(await formatOutput(format, chosen, jobView(runtime), 'No jobs found.'));
          return;
        }
        case 'services': {
          const { items } = await client.listServices();
          const chosen = items.filter(
            (item) => (!flags.team || item.team === flags.team) && (!name || item.name === name),
          );
          runtime.out(await formatOutput(format, chosen, serviceView, 'No services found.'));
          return;
        }
        case 'quotas': {
          const team = name ?? flags.team;
          if (!team)
            throw new CliError(
              'get quotas needs a team: raydeck get quotas team-a',
              exitCodes.usage,
            );
          const quota = await client.teamQuota(team);
          runtime.out(
            format === 'json' || format === 'yaml'
              ? await formatOutput(format, quota, teamQuotaView, '')
              : await formatOutput(format, quota.meters, quotaMeterView, `No quota in ${team}.`),
          );
          return;
        }
        case 'usage': {
          const report = await client.usageReport({
            ...(flags.from ? { from: flags.from } : {}),
            ...(flags.to ? { to: flags.to } : {}),
            ...((name ?? flags.team) ? { team: name ?? flags.team } : {}),
          });
          if (format === 'json' || format === 'yaml') {
            runtime.out(await formatOutput(format, report, usageReportView, ''));
            return;
          }
          runtime.out(
            await formatOutput(format, report.clusters, usageClusterView, 'No GPU usage.'),
          );
          if (format === 'table' || format === 'wide') {
            runtime.out(
              `${report.from} to ${report.to}: ${report.totals.gpuHours.toFixed(1)} GPU-hours, ${report.totals.idleGpuHours.toFixed(1)} of them idle\n`,
            );
          }
          return;
        }
      }
    });

  program
    .command('describe <kind> <name>')
    .description('Everything the cluster page shows: phase, groups, why pending, pods, events')
    .option('-o, --output <format>', 'table (text), json or yaml of the whole detail', 'table')
    .option('--team <team>', 'team of the cluster')
    .addHelpText(
      'after',
      examples(['raydeck describe cluster team-a/demo', 'raydeck describe cluster demo -o json']),
    )
    .action(async (kindArg: string, name: string, flags: { output?: string; team?: string }) => {
      const kind = resolveKind(kindArg);
      if (kind !== 'clusters') {
        throw new CliError(`describe knows "cluster", not "${kindArg}"`, exitCodes.usage);
      }
      const format = parseOutputFormat(flags.output);
      const { client, context } = await runtime.client();
      const ref = parseClusterRef(name, flags.team, context);
      const detail = await client.getCluster(ref.team, ref.name);
      if (format === 'json' || format === 'yaml' || format === 'name') {
        runtime.out(await formatOutput(format, detail, detailView, ''));
        return;
      }
      runtime.out(describeCluster(runtime, context.server, detail));
    });
}

function resolveKind(value: string): GetKind {
  const kind = kindAliases[value.toLowerCase()];
  if (!kind)
    throw new CliError(`unknown kind "${value}" (known: ${getKinds.join(', ')})`, exitCodes.usage);
  return kind;
}

/** Every page of the cluster list (the server pages at most 500 a request). */
async function listAllClusters(client: ApiClient, flags: GetFlags): Promise<ClusterSummary[]> {
  const phase =
    flags.phase === undefined ? undefined : clusterPhases.find((known) => known === flags.phase);
  if (flags.phase !== undefined && !phase)
    throw new CliError(
      `--phase must be one of ${clusterPhases.join(', ')}, got "${flags.phase}"`,
      exitCodes.usage,
    );
  const items: ClusterSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listClusters({
      limit: 500,
      ...(flags.team ? { team: flags.team } : {}),
      ...(phase ? { phase } : {}),
      ...(cursor ? { cursor } : {}),
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Opens the portal's SSE stream with the context's token; the caller reads it. */
async function openStream(runtime: CliRuntime, context: CliContext): Promise<Response> {
  const response = await runtime.fetch(`${context.server}/api/v1/stream`, {
    headers: { accept: 'text/event-stream', authorization: `Bearer ${context.token}` },
    ...(runtime.io.signal ? { signal: runtime.io.signal } : {}),
  });
  if (!response.ok || !response.body)
    throw new CliError(`the portal's live stream answered ${response.status}`, exitCodes.error);
  return response;
}

/** Runs `read` until the stream ends or `io.signal` aborts (the normal end of a watch). */
async function untilAborted(runtime: CliRuntime, read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (runtime.io.signal?.aborted) return;
    throw error;
  }
}

/** `get clusters --watch`: one row per change from the `cluster` events, kubectl-style. */
async function watchClusters(
  runtime: CliRuntime,
  context: CliContext,
  format: OutputFormat,
  flags: GetFlags,
): Promise<void> {
  const view = clusterView(runtime);
  const columns = view.columns.filter((column) => format === 'wide' || !column.wide);
  await untilAborted(runtime, async () => {
    const response = await openStream(runtime, context);
    if (!response.body) return;
    for await (const message of readEventStream(response.body)) {
      if (message.event !== 'cluster') continue;
      const event: StreamEvents['cluster'] = JSON.parse(message.data);
      const summary = event.summary;
      if (flags.team && summary.namespace !== flags.team) continue;
      if (flags.phase && summary.phase !== flags.phase) continue;
      const shown: ClusterSummary =
        event.type === 'delete' ? { ...summary, phase: 'Deleting' } : summary;
      if (format === 'json') runtime.out(`${JSON.stringify(event)}\n`);
      else if (format === 'yaml')
        runtime.out(`---\n${await formatOutput('yaml', event, eventView, '')}`);
      else if (format === 'name') runtime.out(`${view.name(summary)}\n`);
      else runtime.out(renderTable(columns, [shown]).split('\n')[1] + '\n');
    }
  });
}

const eventView: ListView<unknown> = { columns: [], name: () => '' };

/** `--watch` for lists without row events: reprint when the stream says they changed. */
async function watchChanges(
  runtime: CliRuntime,
  context: CliContext,
  event: 'templates' | 'inventory',
  show: () => Promise<void>,
): Promise<void> {
  await untilAborted(runtime, async () => {
    const response = await openStream(runtime, context);
    if (!response.body) return;
    for await (const message of readEventStream(response.body)) {
      if (message.event === event) {
        runtime.out('\n');
        await show();
      }
    }
  });
}

function jobView(runtime: CliRuntime): ListView<JobSummary> {
  const now = runtime.io.now();
  return {
    columns: [
      { header: 'team', cell: (item) => item.team },
      { header: 'id', cell: (item) => item.id },
      { header: 'kind', cell: (item) => item.kind },
      { header: 'cluster', cell: (item) => item.cluster ?? item.rayJobName ?? '-' },
      { header: 'status', cell: (item) => item.status.phase },
      { header: 'age', cell: (item) => age(item.createdAt, now) },
      { header: 'entrypoint', cell: (item) => item.entrypoint, wide: true },
      { header: 'message', cell: (item) => item.status.message ?? '', wide: true },
    ],
    name: (item) => `job/${item.team}/${item.id}`,
  };
}

const serviceView: ListView<ServiceSummary> = {
  columns: [
    { header: 'team', cell: (item) => item.team },
    { header: 'name', cell: (item) => item.name },
    { header: 'state', cell: (item) => item.state },
    {
      header: 'apps',
      cell: (item) => `${item.applications.running}/${item.applications.total}`,
    },
    { header: 'gpus', cell: (item) => String(item.gpus) },
    { header: 'template', cell: (item) => item.template },
    { header: 'message', cell: (item) => item.message, wide: true },
  ],
  name: (item) => `service/${item.team}/${item.name}`,
};

const quotaMeterView: ListView<QuotaMeter> = {
  columns: [
    { header: 'quota', cell: (item) => item.quota },
    { header: 'key', cell: (item) => item.key },
    { header: 'used', cell: (item) => item.usedText },
    { header: 'hard', cell: (item) => item.hardText },
    {
      header: 'use',
      cell: (item) => (item.hard > 0 ? `${Math.round((item.used / item.hard) * 100)}%` : '-'),
    },
  ],
  name: (item) => `quota/${item.quota}/${item.key}`,
};

/** `-o json|yaml` of a team's quota prints it whole; `name` lists its meters. */
const teamQuotaView: ListView<TeamQuota> = {
  columns: [],
  name: (item) => item.meters.map((meter) => `quota/${meter.quota}/${meter.key}`).join('\n'),
};

const usageClusterView: ListView<UsageClusterRow> = {
  columns: [
    { header: 'team', cell: (item) => item.team },
    { header: 'cluster', cell: (item) => item.cluster },
    { header: 'user', cell: (item) => item.user },
    { header: 'gpu-hours', cell: (item) => item.gpuHours.toFixed(2) },
    { header: 'idle', cell: (item) => item.idleGpuHours.toFixed(2) },
    { header: 'gpu', cell: (item) => item.gpuProduct, wide: true },
    { header: 'template', cell: (item) => item.template, wide: true },
  ],
  name: (item) => `usage/${item.team}/${item.cluster}`,
};

/** `-o json|yaml` of a usage report prints it whole. */
const usageReportView: ListView<UsageReport> = {
  columns: [],
  name: (item) => item.clusters.map((row) => `usage/${row.team}/${row.cluster}`).join('\n'),
};

const templateView: ListView<Template> = {
  columns: [
    { header: 'name', cell: (item) => item.name },
    {
      header: 'gpu',
      cell: (item) =>
        item.worker.gpu > 0 ? `${item.worker.gpu}× ${item.worker.gpuProduct ?? 'any'}` : '-',
    },
    { header: 'worker', cell: (item) => `${item.worker.cpu} CPU, ${item.worker.memory}` },
    { header: 'workers', cell: (item) => `${item.defaultWorkers} (max ${item.maxWorkers})` },
    { header: 'ray', cell: (item) => item.allowedRayVersions.join(','), wide: true },
    { header: 'head', cell: (item) => `${item.head.cpu} CPU, ${item.head.memory}`, wide: true },
    { header: 'description', cell: (item) => item.description, wide: true },
  ],
  name: (item) => `template/${item.name}`,
};

type GpuNode = GpuInventory['nodes'][number];
const gpuNodeView: ListView<GpuNode> = {
  columns: [
    { header: 'node', cell: (item) => item.node },
    { header: 'gpu', cell: (item) => item.productName || item.resource },
    { header: 'free', cell: (item) => String(item.free) },
    { header: 'allocatable', cell: (item) => String(item.allocatable) },
    {
      header: 'holders',
      cell: (item) =>
        item.holders.map((holder) => JSON.stringify(holder).replace(/["{}]/g, '')).join(' ') || '-',
      wide: true,
    },
    { header: 'schedulable', cell: (item) => (item.schedulable ? 'yes' : 'no'), wide: true },
  ],
  name: (item) => `gpu/${item.node}/${item.resource}`,
};
const gpuInventoryView: ListView<GpuInventory> = { columns: [], name: () => 'gpus' };
const detailView: ListView<ClusterDetail> = {
  columns: [],
  name: (item) => `cluster/${item.summary.namespace}/${item.summary.name}`,
};

/** The text of `describe cluster`: the facts of the web page, "why pending" included. */
function describeCluster(runtime: CliRuntime, server: string, detail: ClusterDetail): string {
  const { summary } = detail;
  const bold = (text: string) => runtime.paint(text, 'bold');
  const lines = [
    `${bold('Name:')}        ${summary.namespace}/${summary.name}`,
    `${bold('Phase:')}       ${paintPhase(runtime, summary.phase)}${summary.reason ? ` (${summary.reason})` : ''}`,
    `${bold('Template:')}    ${summary.template ?? '-'}`,
    `${bold('Owner:')}       ${summary.owner ?? '-'}`,
    `${bold('Ray:')}         ${summary.rayVersion ?? '-'}`,
    `${bold('Workers:')}     ${summary.workers.ready}/${summary.workers.desired} ready`,
    `${bold('GPUs:')}        ${summary.gpus.count}${summary.gpus.products.length > 0 ? ` × ${summary.gpus.products.join(', ')}` : ''}`,
    `${bold('Created:')}     ${summary.createdAt}`,
    `${bold('Dashboard:')}   ${dashboardUrl(server, detail)}`,
    `${bold('Jobs API:')}    ${detail.endpoints.jobsApiAddress} (in cluster; from here: raydeck proxy ${summary.namespace}/${summary.name})`,
    '',
    bold('Groups (why pending):'),
  ];
  for (const group of detail.explanation) {
    lines.push(
      `  ${group.group} (${group.kind}): ${group.ready}/${group.desired} ready, ${group.state} — ${group.summary}`,
    );
    for (const cause of group.causes) lines.push(`    - ${cause.message} [${cause.source}]`);
  }
  lines.push('', bold('Pods:'));
  if (detail.pods.length === 0) lines.push('  none');
  else
    lines.push(
      ...renderTable(
        [
          { header: 'name', cell: (pod: ClusterDetail['pods'][number]) => pod.name },
          { header: 'group', cell: (pod) => pod.group },
          { header: 'phase', cell: (pod) => pod.phase },
          { header: 'ready', cell: (pod) => (pod.ready ? 'yes' : 'no') },
          { header: 'node', cell: (pod) => pod.node ?? '-' },
          { header: 'gpus', cell: (pod) => String(pod.gpus) },
          { header: 'restarts', cell: (pod) => String(pod.restarts) },
          { header: 'reason', cell: (pod) => pod.reason ?? '' },
        ],
        detail.pods,
      )
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`),
    );
  lines.push('', bold('Events:'));
  if (detail.events.length === 0) lines.push('  none');
  for (const event of detail.events)
    lines.push(
      `  ${event.type} ${event.reason} (${event.object}, ×${event.count}): ${event.message}`,
    );
  return `${lines.join('\n')}\n`;
}
