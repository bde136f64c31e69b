import { describe, expect, it } from 'vitest';

import { newContainerId, parseImageReference } from './containerImages.ts';
import { goDuration } from './goDuration.ts';

describe('parseImageReference', () => {
  it.each([
    ['redis:7.4.0', 'docker.io/library/redis:7.4.0', 'docker.io/library/redis'],
    ['rayproject/ray:2.52.0', 'docker.io/rayproject/ray:2.52.0', 'docker.io/rayproject/ray'],
    ['busybox', 'docker.io/library/busybox:latest', 'docker.io/library/busybox'],
    ['quay.io/org/app:v1', 'quay.io/org/app:v1', 'quay.io/org/app'],
    ['localhost:5000/app', 'localhost:5000/app:latest', 'localhost:5000/app'],
  ])('%s → %s', (image, normalized, repository) => {
    const reference = parseImageReference(image);
    expect(reference.normalized).toBe(normalized);
    expect(reference.repository).toBe(repository);
    expect(reference.imageId).toMatch(
      new RegExp(`^${repository.replace(/[./]/g, '\\$&')}@sha256:[0-9a-f]{64}$`),
    );
    expect(parseImageReference(image).imageId).toBe(reference.imageId);
  });

  it('keeps digests and makes containerd container IDs', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`nginx@${digest}`).imageId).toBe(
      `docker.io/library/nginx@${digest}`,
    );
    expect(newContainerId()).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
  });
});

describe('goDuration', () => {
  it.each([
    [0, '0s'],
    [312, '312ms'],
    [4_000, '4s'],
    [4_500, '4.5s'],
    [80_000, '1m20s'],
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });
});
