/** KubeRay operator feature gates by name (kuberay-api.md §1.7). */
export type FeatureGates = Readonly<Record<string, boolean>>;

/** The defaults of KubeRay's `--feature-gates` (`pkg/features/features.go`). */
export const defaultFeatureGates: FeatureGates = {
  RayClusterStatusConditions: true,
  RayJobDeletionPolicy: true,
  RayMultiHostIndexing: true,
  RayServiceIncrementalUpgrade: true,
  RayCronJob: false,
  SidecarSubmitterRestart: false,
  RayClusterNetworkPolicy: false,
  GCSFaultToleranceEmbeddedStorage: false,
  RayClusterMTLS: false,
  RayClusterHistoryServer: false,
  KubernetesWAS: false,
};

/** Environment variable read when the world file sets no `featureGates`. */
export const featureGatesEnvironmentVariable = 'RAYDECK_SANDBOX_FEATURE_GATES';

/**
 * Parses `--feature-gates` syntax, `RayCronJob=true,RayClusterMTLS=false`. Throws an Error naming
 * the malformed entry.
 */
export function parseFeatureGates(text: string): Record<string, boolean> {
  const result: Record<string, boolean> = {};
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z0-9]+)=(true|false)$/i.exec(entry);
    if (!match)
      throw new Error(`${featureGatesEnvironmentVariable}: "${entry}" is not Name=true|false`);
    result[match[1] as string] = (match[2] as string).toLowerCase() === 'true';
  }
  return result;
}

/**
 * The gates the simulated operator runs with: the defaults, overridden by the world file's
 * optional `featureGates` map, else by `RAYDECK_SANDBOX_FEATURE_GATES` (`RayCronJob=true`).
 */
export function resolveFeatureGates(
  world: { featureGates?: Readonly<Record<string, boolean>> } | object,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): FeatureGates {
  const fromWorld = (world as { featureGates?: Readonly<Record<string, boolean>> }).featureGates;
  const overrides =
    fromWorld ?? parseFeatureGates(environment[featureGatesEnvironmentVariable] ?? '');
  return { ...defaultFeatureGates, ...overrides };
}
