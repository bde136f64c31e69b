import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

import {
  rayCustomResourceDefinitions,
  validateRayObjectName,
} from '../../src/sandbox/apiserver/rayCustomResourceDefinitions.ts';
import {
  type StatusCause,
  validateAgainstCrd,
} from '../../src/sandbox/apiserver/structuralSchema.ts';
import { describeWithUpstream, hasUpstream, upstreamKuberayDir } from '../support/upstream.ts';
import { type Manifest, type RayCrdVariant, rayCrdVariants } from './rayCrdVariants.ts';

// Our hand-written ray.io CRDs against KubeRay's published ones, through the same generic
// engine: every ray.io object of every upstream sample, and a corpus of broken variants of
// each, must get the same verdict, the same causes (and so the same field paths), the same
// pruned paths and, when accepted, the same admitted object.

const samplesDir = join(upstreamKuberayDir, 'samples');
const crdsDir = join(upstreamKuberayDir, 'crds');

interface Verdict {
  rejected: boolean;
  fields: string[];
  causes: StatusCause[];
  unknownFields: string[];
  object: unknown;
}

function nameOf(object: Manifest): string {
  const metadata = (object['metadata'] ?? {}) as { name?: string; generateName?: string };
  // The API server generates the name (prefix + 5 characters) before validating admission.
  return (
    metadata.name ?? (metadata.generateName ? `${metadata.generateName.slice(0, 58)}x7k2q` : '')
  );
}

function verdict(crd: object, variant: RayCrdVariant): Verdict {
  const result = validateAgainstCrd(crd, variant.object, {
    fieldValidation: variant.fieldValidation,
    ...(variant.oldObject ? { oldObject: variant.oldObject } : {}),
  });
  const nameCauses = variant.oldObject
    ? []
    : validateRayObjectName(String(variant.object['kind']), nameOf(variant.object));
  const causes = [...nameCauses, ...result.causes];
  const strictUnknown = variant.fieldValidation === 'Strict' ? result.unknownFields : [];
  return {
    rejected: causes.length > 0 || strictUnknown.length > 0,
    fields: [...new Set([...causes.map((c) => c.field), ...strictUnknown])].sort(),
    causes,
    unknownFields: result.unknownFields,
    object: result.object,
  };
}

function rayObjectsOf(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(samplesDir, file), 'utf8'))
    .map((document) => document.toJS() as unknown)
    .filter((value): value is Manifest => {
      return (
        typeof value === 'object' &&
        value !== null &&
        String((value as Manifest)['apiVersion']).startsWith('ray.io/')
      );
    });
}

const sampleFiles = hasUpstream
  ? readdirSync(samplesDir)
      .filter((file) => file.endsWith('.yaml'))
      .sort()
  : [];

describeWithUpstream('ray.io CRD conformance with the upstream KubeRay CRDs', () => {
  const upstream = new Map<string, object>();
  const ours = new Map<string, object>(
    rayCustomResourceDefinitions.map((crd) => [crd.spec.names.kind, crd]),
  );

  beforeAll(() => {
    for (const file of readdirSync(crdsDir).filter((name) => name.endsWith('.yaml'))) {
      const crd = parse(readFileSync(join(crdsDir, file), 'utf8')) as {
        spec: { names: { kind: string } };
      };
      upstream.set(crd.spec.names.kind, crd);
    }
  }, 60_000);

  it('covers the four kinds and a sample of each', () => {
    expect([...upstream.keys()].sort()).toEqual([...ours.keys()].sort());
    const kinds = new Set(sampleFiles.flatMap((file) => rayObjectsOf(file).map((o) => o['kind'])));
    expect([...kinds].sort()).toEqual(['RayCluster', 'RayCronJob', 'RayJob', 'RayService']);
  });

  it.each(sampleFiles)('%s: same verdicts for the sample and its broken variants', (file) => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const sample of rayObjectsOf(file)) {
      const kind = String(sample['kind']);
      const upstreamCrd = upstream.get(kind);
      const ourCrd = ours.get(kind);
      if (!upstreamCrd || !ourCrd) {
        mismatches.push(`${kind}: no CRD`);
        continue;
      }
      for (const variant of rayCrdVariants(sample)) {
        checked++;
        const label = `${kind}/${nameOf(sample)}: ${variant.name}`;
        const expected = verdict(upstreamCrd, variant);
        const actual = verdict(ourCrd, variant);
        if (expected.rejected !== variant.rejected) {
          mismatches.push(`${label}: upstream ${expected.rejected ? 'rejects' : 'accepts'} it`);
        }
        if (actual.rejected !== expected.rejected) {
          mismatches.push(`${label}: ours ${actual.rejected ? 'rejects' : 'accepts'} it`);
        } else if (expected.fields.join() !== actual.fields.join()) {
          mismatches.push(`${label}: fields ${actual.fields.join()} vs ${expected.fields.join()}`);
        } else if (JSON.stringify(actual.causes) !== JSON.stringify(expected.causes)) {
          mismatches.push(`${label}: causes differ: ${JSON.stringify(actual.causes)}`);
        } else if (actual.unknownFields.join() !== expected.unknownFields.join()) {
          mismatches.push(
            `${label}: pruned ${actual.unknownFields.join()} vs ${expected.unknownFields.join()}`,
          );
        } else if (
          !expected.rejected &&
          JSON.stringify(actual.object) !== JSON.stringify(expected.object)
        ) {
          mismatches.push(`${label}: admitted objects differ`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    if (rayObjectsOf(file).length > 0) expect(checked).toBeGreaterThan(0);
  });
});
