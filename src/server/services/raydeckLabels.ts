/** Labels and annotations Raydeck puts on the objects it creates. */
export const RaydeckLabel = {
  /** `raydeck` on every RayCluster Raydeck created (its origin). */
  managedBy: 'app.kubernetes.io/managed-by',
  owner: 'raydeck.dev/owner',
  template: 'raydeck.dev/template',
  templateVersion: 'raydeck.dev/template-version',
} as const;

/** Value of `app.kubernetes.io/managed-by` on Raydeck's objects. */
export const raydeckManager = 'raydeck';
