/**
 * The Ray version the real-Ray test stage installs (test/realRay/ensureRealRay.ts) and that
 * `provenOnRealRay` in workloads/catalog.yaml must name.
 *
 * The manifests pin Ray 2.52.0 (their images and `rayVersion`), but the machines' local Python
 * package mirror offers only ray 2.58.0 (for CPython 3.11), and the public index is not
 * reachable from them; 2.58.0 is the nearest release it has. Both lie after 2.51, where Ray
 * Train's V2 API became the default, so the scripts meet the same Train API.
 */
export const realRayVersion = '2.58.0';

/** The Ray version the manifests' images and `rayVersion` fields pin. */
export const manifestRayVersion = '2.52.0';
