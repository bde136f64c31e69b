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

/**
 * Annotation on a RayCluster created with an Idempotency-Key: {@link idempotencyKeyDigest} of
 * the key and its user (not the raw key, which clients may treat as a secret), so after a crash
 * startup can tell whether the interrupted create reached Kubernetes.
 */
export const idempotencyKeyAnnotation = 'raydeck.dev/idempotency-key';
