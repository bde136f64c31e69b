import type { CurrentUser } from '../../../shared/api/authSchemas.ts';
import type { ClusterSummary } from '../../../shared/api/clusterSchemas.ts';
import { humanizeGpuProduct } from '../../../shared/ray/humanizeGpuProduct.ts';

/** One option of a filter select. */
export interface FilterOption {
  value: string;
  label: string;
}

/** The choices of the list's team and GPU type filters. */
export interface ClusterFilterOptions {
  teams: FilterOption[];
  gpuTypes: FilterOption[];
}

const byLabel = (left: FilterOption, right: FilterOption) =>
  left.label.localeCompare(right.label, undefined, { numeric: true });

/**
 * Filter choices from the user and the loaded rows. Teams: the user's teams; an admin sees
 * every team, so the teams seen in the rows are added. GPU types: every product seen in the
 * rows, humanised (`NVIDIA A100`); when two labels read the same (A100 40 GB and 80 GB), the
 * raw label is added in brackets so the choices stay distinct. A currently chosen value that
 * is no longer offered (its last cluster went away) is kept, so the select never lies.
 */
export function clusterFilterOptions(
  user: Pick<CurrentUser, 'role' | 'teams'> | null | undefined,
  rows: readonly ClusterSummary[],
  chosen: { team: string; gpuType: string },
): ClusterFilterOptions {
  const teams = new Set(user?.teams ?? []);
  if (user?.role === 'admin') for (const row of rows) teams.add(row.namespace);
  if (chosen.team) teams.add(chosen.team);

  const products = new Set<string>();
  for (const row of rows) for (const product of row.gpus.products) products.add(product);
  if (chosen.gpuType) products.add(chosen.gpuType);
  const readings = new Map<string, number>();
  for (const product of products) {
    const reading = humanizeGpuProduct(product);
    readings.set(reading, (readings.get(reading) ?? 0) + 1);
  }

  return {
    teams: [...teams].map((team) => ({ value: team, label: team })).sort(byLabel),
    gpuTypes: [...products]
      .map((product) => {
        const reading = humanizeGpuProduct(product);
        const label = (readings.get(reading) ?? 0) > 1 ? `${reading} (${product})` : reading;
        return { value: product, label };
      })
      .sort(byLabel),
  };
}
