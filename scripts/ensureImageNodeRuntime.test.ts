import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { imageNodeMajor } from './ensureImageNodeRuntime.ts';

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

describe('imageNodeMajor', () => {
  it('reads the major of the Dockerfile’s runtime image', () => {
    expect(imageNodeMajor('ARG NODE_IMAGE=node:26-trixie-slim\nFROM ${NODE_IMAGE}\n')).toBe(26);
    expect(imageNodeMajor('ARG NODE_IMAGE=node:24.11.1-bookworm\n')).toBe(24);
  });

  it('refuses a Dockerfile whose runtime image is not an official node tag', () => {
    expect(() => imageNodeMajor('FROM gcr.io/distroless/nodejs22\n')).toThrow(/NODE_IMAGE/);
  });

  it('is a major that package.json’s engines range accepts, as the README says', () => {
    const major = imageNodeMajor(read('Dockerfile'));
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines
      .node;
    expect(engines.split('||').map((range) => range.trim())).toContainEqual(
      expect.stringMatching(new RegExp(`^\\^${major}\\.`)),
    );
    expect(read('README.md')).toContain(`runs Node ${major}`);
  });
});
