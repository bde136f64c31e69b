import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect, it } from 'vitest';
import { parse } from 'yaml';

import { describeWithUpstream, upstreamKueueDir } from '../../../test/support/upstream.ts';
import { kueueCustomResourceDefinitions } from './kueueCustomResourceDefinitions.ts';
import type { JsonSchemaProps } from './structuralSchema.ts';

// The sandbox's Kueue CRDs against the upstream CRDs where they lie (never copied): names,
// scope, printer columns, and every field the sandbox declares exists upstream in v1beta1 with
// the same type, enum and default.

interface UpstreamVersion {
  name: string;
  served: boolean;
  additionalPrinterColumns?: { name: string; type: string; jsonPath: string; priority?: number }[];
  subresources?: { status?: object };
  schema: { openAPIV3Schema: JsonSchemaProps };
}

interface UpstreamCrd {
  spec: {
    scope: string;
    names: {
      kind: string;
      plural: string;
      singular: string;
      listKind: string;
      shortNames?: string[];
    };
    versions: UpstreamVersion[];
  };
}

function readUpstream(plural: string): UpstreamCrd {
  const text = readFileSync(
    join(upstreamKueueDir, 'crds', `kueue.x-k8s.io_${plural}.yaml`),
    'utf8',
  );
  return parse(text) as UpstreamCrd;
}

/** Every `path: problem` where the sandbox schema says something upstream does not. */
function differences(
  ours: JsonSchemaProps,
  theirs: JsonSchemaProps | undefined,
  path: string,
): string[] {
  if (!theirs) return [`${path}: not in upstream`];
  const problems: string[] = [];
  if (ours.type !== undefined && theirs.type !== undefined && ours.type !== theirs.type)
    problems.push(`${path}: type ${ours.type} upstream ${theirs.type}`);
  if (ours.enum && JSON.stringify(ours.enum) !== JSON.stringify(theirs.enum))
    problems.push(
      `${path}: enum ${JSON.stringify(ours.enum)} upstream ${JSON.stringify(theirs.enum)}`,
    );
  if (ours.default !== undefined && JSON.stringify(ours.default) !== JSON.stringify(theirs.default))
    problems.push(
      `${path}: default ${JSON.stringify(ours.default)} upstream ${JSON.stringify(theirs.default)}`,
    );
  for (const [key, child] of Object.entries(ours.properties ?? {})) {
    // Embedded core types (pod templates) are checked by the KubeRay CRD tests.
    if (key === 'template' || key === 'metadata') continue;
    problems.push(...differences(child, theirs.properties?.[key], `${path}.${key}`));
  }
  if (ours.items) problems.push(...differences(ours.items, theirs.items, `${path}[]`));
  return problems;
}

describeWithUpstream(
  'Kueue CRDs follow the upstream v1beta1 CRDs',
  () => {
    for (const crd of kueueCustomResourceDefinitions) {
      it(crd.spec.names.plural, () => {
        const upstream = readUpstream(crd.spec.names.plural);
        expect(crd.spec.scope).toBe(upstream.spec.scope);
        expect(crd.spec.names).toEqual({
          kind: upstream.spec.names.kind,
          listKind: upstream.spec.names.listKind,
          plural: upstream.spec.names.plural,
          singular: upstream.spec.names.singular,
          shortNames: upstream.spec.names.shortNames,
        });
        const version = upstream.spec.versions.find((entry) => entry.name === 'v1beta1');
        expect(version?.served).toBe(true);
        const ours = crd.spec.versions[0];
        expect(ours?.name).toBe('v1beta1');
        expect(
          (ours?.additionalPrinterColumns ?? []).map(({ name, type, jsonPath, priority }) => ({
            name,
            type,
            jsonPath,
            ...(priority !== undefined ? { priority } : {}),
          })),
        ).toEqual(
          (version?.additionalPrinterColumns ?? []).map(({ name, type, jsonPath, priority }) => ({
            name,
            type,
            jsonPath,
            ...(priority !== undefined ? { priority } : {}),
          })),
        );
        expect(Boolean(ours?.subresources?.status)).toBe(Boolean(version?.subresources?.status));
        const schema = ours?.schema?.openAPIV3Schema;
        expect(schema).toBeDefined();
        if (schema && version) {
          expect(differences(schema, version.schema.openAPIV3Schema, crd.spec.names.kind)).toEqual(
            [],
          );
        }
      });
    }
  },
  upstreamKueueDir,
);
