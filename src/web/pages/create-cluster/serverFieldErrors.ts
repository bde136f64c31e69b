import type { FieldError } from '../../../shared/api/apiErrorBody.ts';
import type { FieldErrors } from './clusterDraft.ts';

/** A server error split by where the wizard shows it. */
export interface ServerFieldErrors {
  /** `body.*` paths, normalised to `body.workerGroups[0].replicas` form, for the form inputs. */
  inputs: FieldErrors;
  /** `manifest.*` paths (Kubernetes rejected the generated RayCluster), shown against the YAML. */
  manifest: FieldError[];
}

/**
 * The server's path in one spelling: schema failures say `body.workerGroups.0.replicas`,
 * service checks say `body.workerGroups[0].replicas`; both become the latter.
 */
export function normalizeFieldPath(path: string): string {
  return path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/**
 * Sorts an `ApiError`'s `fields` into input errors and manifest errors. Several messages for
 * one input are joined with "; " so none is lost; other paths (e.g. headers) are left to the
 * error's own message, which the wizard always shows as it is.
 */
export function serverFieldErrors(fields: readonly FieldError[]): ServerFieldErrors {
  const inputs: Record<string, string> = {};
  const manifest: FieldError[] = [];
  for (const field of fields) {
    const path = normalizeFieldPath(field.path);
    if (path.startsWith('manifest.')) {
      manifest.push({ path: path.slice('manifest.'.length), message: field.message });
    } else if (path.startsWith('body.')) {
      const previous = inputs[path];
      inputs[path] = previous ? `${previous}; ${field.message}` : field.message;
    }
  }
  return { inputs, manifest };
}

const headContainer = 'spec.headGroupSpec.template.spec.containers[0]';

/** Request fields → where they land in the RayCluster Raydeck builds (buildRayCluster). */
const manifestPlaces: [RegExp, string][] = [
  [/^body\.name$/, 'metadata.name'],
  [/^body\.team$/, 'metadata.namespace'],
  [/^body\.template$/, 'metadata.labels[raydeck.dev/template]'],
  [/^body\.rayVersion$/, 'spec.rayVersion'],
  [/^body\.image$/, `${headContainer}.image`],
  [/^body\.workerGroups\[(\d+)\]\.name$/, 'spec.workerGroupSpecs[$1].groupName'],
  [/^body\.workerGroups\[(\d+)\]\.(\w+)$/, 'spec.workerGroupSpecs[$1].$2'],
  [/^body\.workerGroups(?:\[(\d+)\])?$/, 'spec.workerGroupSpecs'],
  [/^body\.autoscaling\.idleTimeoutSeconds$/, 'spec.autoscalerOptions.idleTimeoutSeconds'],
  [/^body\.autoscaling.*$/, 'spec.enableInTreeAutoscaling'],
  [/^body\.(?:exposure|ingressHost)$/, 'spec.headGroupSpec'],
  [/^body\.env\[(\d+)\].*$/, `${headContainer}.env[$1]`],
  [/^body\.volumes\[(\d+)\].*$/, 'spec.headGroupSpec.template.spec.volumes[$1]'],
];

/**
 * Where a request field's value shows up in the generated RayCluster, so a server error on
 * `body.workerGroups[0].replicas` can also point at `spec.workerGroupSpecs[0].replicas` in the
 * YAML preview. Undefined for paths with no place in the manifest.
 */
export function manifestPathOfField(path: string): string | undefined {
  const place = manifestPlaces.find(([pattern]) => pattern.test(path));
  return place ? path.replace(place[0], place[1]) : undefined;
}
