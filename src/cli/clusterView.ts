import type { ClusterSummary } from '../shared/api/clusterSchemas.ts';
import type { CliRuntime } from './CliRuntime.ts';
import { age, type ListView } from './formatOutput.ts';

/** Phase in the colour of its tone: green when Ready, red when broken, yellow on the way. */
export function paintPhase(runtime: CliRuntime, phase: string): string {
  if (phase === 'Ready') return runtime.paint(phase, 'green');
  if (phase === 'Failed' || phase === 'Degraded') return runtime.paint(phase, 'red');
  return runtime.paint(phase, 'yellow');
}

/** The columns of `get clusters` (the web list's columns; `-o wide` adds the rest). */
export function clusterView(runtime: CliRuntime): ListView<ClusterSummary> {
  const now = runtime.io.now();
  return {
    columns: [
      { header: 'team', cell: (item) => item.namespace },
      { header: 'name', cell: (item) => item.name },
      { header: 'phase', cell: (item) => paintPhase(runtime, item.phase) },
      { header: 'workers', cell: (item) => `${item.workers.ready}/${item.workers.desired}` },
      {
        header: 'gpus',
        cell: (item) =>
          item.gpus.count > 0 ? `${item.gpus.count}× ${item.gpus.products.join(',')}` : '0',
      },
      { header: 'template', cell: (item) => item.template ?? '-' },
      { header: 'age', cell: (item) => age(item.createdAt, now) },
      { header: 'owner', cell: (item) => item.owner ?? '-', wide: true },
      { header: 'ray', cell: (item) => item.rayVersion ?? '-', wide: true },
      { header: 'reason', cell: (item) => item.reason, wide: true },
    ],
    name: (item) => `cluster/${item.namespace}/${item.name}`,
  };
}
