import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseAllDocuments } from 'yaml';

import { kubectlBinary } from '../support/kubectlBinary.ts';
import { upstreamKuberayDir } from '../support/upstream.ts';

/** The repository root (holds deploy/, manifests/, workloads/). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** One Kubernetes object as Kustomize prints it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * A remote KubeRay base in a kustomization: `https://github.com/ray-project/kuberay/` +
 * `ray-operator/config/<path>?ref=<tag>`. Group 1 is the path under config/, group 2 the tag.
 */
const kuberayRemoteBase =
  /https:\/\/github\.com\/ray-project\/kuberay\/ray-operator\/config\/([\w/-]+)\?ref=(v\d+\.\d+\.\d+)/g;

/** Every kustomization.yaml under `dir`, as paths relative to `dir`. */
export function findKustomizations(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      found.push(...findKustomizations(path).map((inner) => join(entry, inner)));
    } else if (entry === 'kustomization.yaml') {
      found.push(entry);
    }
  }
  return found.sort();
}

/** The KubeRay release tags that deploy/ references remotely (one, if the pins agree). */
export function kuberayReleaseTags(): string[] {
  const tags = new Set<string>();
  for (const file of findKustomizations(join(repoRoot, 'deploy'))) {
    const text = readFileSync(join(repoRoot, 'deploy', file), 'utf8');
    for (const match of text.matchAll(kuberayRemoteBase)) tags.add(match[2] ?? '');
  }
  return [...tags];
}

let offlineCopy: string | undefined;

/**
 * A temporary copy of deploy/ whose remote KubeRay bases point at the local upstream tree
 * (`../shared/upstream/kuberay/operator-config`), so builds need no network. Made once per
 * test file and removed when the process exits; nothing is written into the project.
 */
function offlineDeployCopy(): string {
  if (offlineCopy) return offlineCopy;
  const root = mkdtempSync(join(tmpdir(), 'raydeck-deploy-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const copy = join(root, 'deploy');
  cpSync(join(repoRoot, 'deploy'), copy, { recursive: true });
  for (const file of findKustomizations(copy)) {
    const path = join(copy, file);
    const text = readFileSync(path, 'utf8');
    // Kustomize accepts only relative paths for directory resources.
    const local = text.replace(kuberayRemoteBase, (_all, configPath: string) =>
      relative(dirname(path), join(upstreamKuberayDir, 'operator-config', configPath)),
    );
    if (local !== text) writeFileSync(path, local);
    if (/^\s*-\s*(https?:\/\/|github\.com\/)/m.test(local)) {
      throw new Error(`${file} has a remote resource the tests cannot build offline`);
    }
  }
  offlineCopy = copy;
  return copy;
}

const built = new Map<string, KubeObject[]>();

/**
 * Builds a kustomization under deploy/ offline with kubectl 1.35's Kustomize and returns its
 * objects. `dir` is relative to deploy/, e.g. `kuberay/base`. Results are cached per file.
 */
export function buildOverlay(dir: string): KubeObject[] {
  const cached = built.get(dir);
  if (cached) return cached;
  const path = join(offlineDeployCopy(), dir);
  if (!existsSync(join(path, 'kustomization.yaml'))) throw new Error(`no kustomization in ${dir}`);
  const output = execFileSync(kubectlBinary(), ['kustomize', path], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const objects = parseYamlObjects(output, dir);
  built.set(dir, objects);
  return objects;
}

/** Parses a multi-document YAML stream, failing on any syntax error and skipping empty docs. */
export function parseYamlObjects(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
    }
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) objects.push(value as KubeObject);
  }
  return objects;
}

/** The one object of `kind` named `name` in `objects`; throws when absent or ambiguous. */
export function findObject(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const matches = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (matches.length !== 1)
    throw new Error(`expected one ${kind} ${name}, found ${matches.length}`);
  return matches[0] as KubeObject;
}
