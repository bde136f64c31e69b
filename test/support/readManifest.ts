import { readFileSync } from 'node:fs';

import { parse } from 'yaml';

import type { KubeObject } from '../../src/sandbox/apiserver/resourceType.ts';

/** One object of the manifest library (`manifests/<file>`), parsed from its YAML. */
export function readManifest(file: string): KubeObject {
  return parse(
    readFileSync(new URL(`../../manifests/${file}`, import.meta.url), 'utf8'),
  ) as KubeObject;
}
