/**
 * The `reason` of an API error (409) for a feature that needs Kubernetes objects a KubeRay
 * APIServer v2 does not forward (pods, nodes, ConfigMaps, quotas), when the portal runs with
 * `--apiserver-url`. The web shows its message as a notice, never as a failure.
 */
export const kubeRayApiServerUnavailableReason = 'NotAvailableThroughKubeRayApiServer';

/** What the KubeRay APIServer forwards, for the end of every such sentence. */
const forwards =
  'it forwards only Ray clusters, jobs and services, their events and the Ray dashboard, not pods, nodes, ConfigMaps or quotas';

/**
 * The plain sentence for `feature` (e.g. `GPU inventory`), e.g. "GPU inventory is not available
 * through the KubeRay APIServer: it forwards only …".
 */
export function notAvailableThroughKubeRayApiServer(feature: string): string {
  return `${feature} is not available through the KubeRay APIServer: ${forwards}.`;
}
