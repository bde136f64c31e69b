import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { repoRoot } from './buildOverlay.ts';

/** One Dockerfile instruction, continuation lines joined, comments dropped. */
interface Instruction {
  keyword: string;
  args: string;
}

/** A build stage: its base image (ARGs substituted), name and instructions. */
interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    const rest = (match[2] ?? '').trim();
    if (keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = rest.split('=');
      args.set(name, value);
    } else if (keyword === 'FROM') {
      const [image = '', as, name] = rest.split(/\s+/);
      const from = image.replace(/\$\{(\w+)\}/g, (_all, arg: string) => args.get(arg) ?? '');
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword, args: rest });
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const runtime = dockerfile.stages.at(-1) as Stage;
const instructions = (stage: Stage, keyword: string): string[] =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('Dockerfile', () => {
  it('builds in stages from a current Node LTS slim image', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages) {
      const match = /^node:(\d+)(?:\.\d+){0,2}-(?:[a-z]+-)?slim$/.exec(stage.from);
      expect(match, stage.from).not.toBeNull();
      const major = Number(match?.[1]);
      // LTS lines are even; 24 (Krypton) and 26 (Lithium) are the supported ones in 2026.
      expect(major % 2, stage.from).toBe(0);
      expect(major, stage.from).toBeGreaterThanOrEqual(24);
    }
  });

  it('builds with `npm run build` from a clean `npm ci`', () => {
    const build = dockerfile.stages.find((stage) =>
      instructions(stage, 'RUN').some((run) => run.includes('npm run build')),
    );
    expect(build?.name).toBeDefined();
    const runs = instructions(build as Stage, 'RUN');
    expect(runs.findIndex((run) => run.startsWith('npm ci'))).toBeLessThan(
      runs.findIndex((run) => run.includes('npm run build')),
    );
    expect(runs.some((run) => run.includes('npm ci --omit=dev'))).toBe(false);
  });

  it('copies dist/ from the build stage and only production dependencies', () => {
    const buildName = dockerfile.stages.find((stage) =>
      instructions(stage, 'RUN').some((run) => run.includes('npm run build')),
    )?.name;
    const copies = instructions(runtime, 'COPY');
    expect(copies).toContainEqual(
      expect.stringMatching(new RegExp(`^--from=${buildName} \\S+/dist `)),
    );
    const modules = copies.find((copy) => copy.includes('node_modules'));
    const depsName = /^--from=(\S+)/.exec(modules ?? '')?.[1];
    const deps = dockerfile.stages.find((stage) => stage.name === depsName);
    expect(instructions(deps as Stage, 'RUN').join(' ')).toContain('npm ci --omit=dev');
    expect(instructions(runtime, 'RUN')).toEqual([]);
  });

  it('runs as a numeric non-root user', () => {
    const users = instructions(runtime, 'USER');
    expect(users).toHaveLength(1);
    const [uid] = (users[0] ?? '').split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
  });

  it('runs `bin/raydeck.js serve`, configured by RAYDECK_* variables', () => {
    const entrypoint = JSON.parse(instructions(runtime, 'ENTRYPOINT')[0] ?? '[]') as string[];
    const command = JSON.parse(instructions(runtime, 'CMD')[0] ?? '[]') as string[];
    expect([...entrypoint, ...command]).toEqual(['node', 'bin/raydeck.js', 'serve']);
    const env = instructions(runtime, 'ENV').join(' ');
    expect(env).toContain('RAYDECK_HOST=0.0.0.0');
    expect(instructions(runtime, 'EXPOSE')).toEqual(['8080']);
  });

  it('ships the sample workloads and their catalog', () => {
    expect(instructions(runtime, 'COPY')).toContain('workloads ./workloads');
  });

  it('sends the build every file its COPY instructions read, and nothing else', () => {
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = ignore.filter((line) => line.startsWith('!')).map((line) => line.slice(1));
    const sources = dockerfile.stages
      .flatMap((stage) => instructions(stage, 'COPY'))
      .filter((copy) => !copy.startsWith('--from='))
      .flatMap((copy) => copy.split(/\s+/).slice(0, -1));
    const asIgnoreEntry = (source: string): string =>
      statSync(join(repoRoot, source)).isDirectory() ? `${source}/` : source;
    for (const source of sources) {
      expect(existsSync(join(repoRoot, source)), source).toBe(true);
      expect(allowed, source).toContain(asIgnoreEntry(source));
    }
    expect(new Set(allowed)).toEqual(new Set(sources.map(asIgnoreEntry)));
  });
});
