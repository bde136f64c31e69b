import type { Command } from 'commander';

import type { CatalogEntry, JobSummary } from '../../shared/api/jobSchemas.ts';
import type { CliRuntime } from '../CliRuntime.ts';
import { CliError, exitCodes } from '../exitCodes.ts';
import { formatOutput, parseOutputFormat } from '../formatOutput.ts';
import { parseClusterRef } from '../parseClusterRef.ts';
import { examples } from './examples.ts';

/**
 * `catalog list|run` over the portal's Jobs API (`/api/v1/catalog`, `/api/v1/jobs/catalog`);
 * a portal without it answers "No route" and the CLI exits 6 (not available).
 */
export function addCatalogVerbs(program: Command, runtime: CliRuntime): void {
  const catalog = program.command('catalog').description('Ready-made workloads to run as jobs');
  catalog
    .command('list')
    .description('List the workload catalog')
    .option('-o, --output <format>', 'table|wide|json|yaml|name', 'table')
    .addHelpText('after', examples(['raydeck catalog list']))
    .action(async (flags: { output?: string }) => {
      const format = parseOutputFormat(flags.output);
      const { client } = await runtime.client();
      const { items } = await client.listCatalog();
      runtime.out(
        await formatOutput<CatalogEntry>(
          format,
          items,
          {
            columns: [
              { header: 'id', cell: (item) => item.id },
              { header: 'title', cell: (item) => item.title },
              { header: 'gpus', cell: (item) => String(item.resources.gpus) },
              { header: 'entrypoint', cell: (item) => item.entrypoint, wide: true },
              { header: 'summary', cell: (item) => item.summary, wide: true },
            ],
            name: (item) => `catalog/${item.id}`,
          },
          'The catalog is empty.',
        ),
      );
    });
  catalog
    .command('run <id>')
    .description(
      'Run a catalog workload on a running cluster (--cluster) or a new one (--template)',
    )
    .option('--cluster <cluster>', 'team/name or name of a running cluster')
    .option('--template <template>', 'run as a RayJob on a new cluster from this template')
    .option('--team <team>', "team; default the cluster's or the context's")
    .option('-o, --output <format>', 'table|wide|json|yaml|name', 'name')
    .addHelpText(
      'after',
      examples([
        'raydeck catalog run gpu-check --cluster team-a/demo',
        'raydeck catalog run gpu-check --template rtx4090-1',
      ]),
    )
    .action(
      async (
        id: string,
        flags: { cluster?: string; template?: string; team?: string; output?: string },
      ) => {
        const format = parseOutputFormat(flags.output);
        if (!flags.cluster === !flags.template)
          throw new CliError(
            'catalog run needs --cluster or --template (one of them)',
            exitCodes.usage,
          );
        const { client, context } = await runtime.client();
        const ref = flags.cluster ? parseClusterRef(flags.cluster, flags.team, context) : undefined;
        const team = ref?.team ?? flags.team ?? context.team;
        if (!team) throw new CliError('catalog run needs --team', exitCodes.usage);
        const { summary } = await client.submitCatalogJob({
          team,
          catalogId: id,
          ...(ref ? { cluster: ref.name } : {}),
          ...(flags.template ? { template: flags.template } : {}),
        });
        runtime.out(
          await formatOutput(
            format,
            summary,
            {
              columns: [
                { header: 'id', cell: (item: JobSummary) => item.id },
                { header: 'status', cell: (item) => item.status.phase },
              ],
              name: (item) => `job/${item.team}/${item.id}`,
            },
            '',
          ),
        );
      },
    );
}
