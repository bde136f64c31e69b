import { createHash, randomFillSync } from 'node:crypto';

/** An image reference split and normalised as containerd reports it. */
export interface ImageReference {
  /** As written in the pod spec, e.g. `redis:7.4.0`. */
  spec: string;
  /** Fully qualified, e.g. `docker.io/library/redis:7.4.0` (what `status.image` shows). */
  normalized: string;
  /** Repository without tag, e.g. `docker.io/library/redis`. */
  repository: string;
  /** Tag, `latest` when none; empty for digest references. */
  tag: string;
  /** `docker.io/library/redis@sha256:<64 hex>` (what `status.imageID` shows). */
  imageId: string;
  /** Simulated compressed size in bytes, stable per image. */
  sizeBytes: number;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Normalises an image reference as the Docker reference grammar does: a first path component
 * with a dot, a colon or `localhost` is a registry, otherwise the image is on `docker.io` (and a
 * one-component name is under `library/`); no tag means `latest`. The digest is simulated:
 * sha256 of the normalised name, so it is stable across runs.
 */
export function parseImageReference(image: string): ImageReference {
  const [namePart, digest] = image.split('@') as [string, string | undefined];
  const lastSlash = namePart.lastIndexOf('/');
  const colon = namePart.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const name = hasTag ? namePart.slice(0, colon) : namePart;
  const tag = digest
    ? hasTag
      ? namePart.slice(colon + 1)
      : ''
    : hasTag
      ? namePart.slice(colon + 1)
      : 'latest';
  const components = name.split('/');
  const first = components[0] ?? '';
  const hasRegistry =
    components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const repository = hasRegistry
    ? name
    : components.length === 1
      ? `docker.io/library/${name}`
      : `docker.io/${name}`;
  const normalized = digest ? `${repository}@${digest}` : `${repository}:${tag}`;
  const hash = sha256(normalized);
  return {
    spec: image,
    normalized,
    repository,
    tag,
    imageId: `${repository}@${digest ?? `sha256:${hash}`}`,
    sizeBytes: 20_000_000 + (Number.parseInt(hash.slice(0, 8), 16) % 1_500_000_000),
  };
}

const pool = Buffer.alloc(32 * 256);
let poolOffset = pool.length;

/** A new `containerd://<64 hex>` container ID (random bytes drawn from a pooled buffer). */
export function newContainerId(): string {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const id = pool.toString('hex', poolOffset, poolOffset + 32);
  poolOffset += 32;
  return `containerd://${id}`;
}
