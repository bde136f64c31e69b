/** Theme colours given to GPU products in order; both colour schemes render them well. */
const palette = ['indigo', 'teal', 'grape', 'cyan', 'orange', 'pink', 'lime', 'blue'] as const;

/** A stable key for a GPU product: its extended resource plus its product label. */
export function gpuProductKey(entry: { resource: string; product: string }): string {
  return `${entry.resource}\u0000${entry.product}`;
}

/**
 * The Mantine colour of the `index`-th product of the inventory's product list (sorted by
 * name on the server), so the chart, its legend and the per-product sections agree.
 */
export function gpuProductColor(index: number): string {
  return palette[index % palette.length] ?? 'indigo';
}
