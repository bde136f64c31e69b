import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'vitest';

import { kubectlBinary } from './kubectlBinary.ts';

/** What one kubectl run printed and how it exited. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real kubectl 1.35 against a kubeconfig, with a fresh discovery cache per call site
 * (so each test sees the server's current discovery) and no network beyond the kubeconfig's.
 */
export function kubectlRunner(kubeconfig: string) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'raydeck-kubectl-cache-'));
  return (args: string[], input?: string): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(
        kubectlBinary(),
        ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
        {
          timeout: 60_000,
          maxBuffer: 64 * 1024 * 1024,
          env: { PATH: process.env['PATH'] ?? '', HOME: cacheDir },
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (input !== undefined) child.stdin?.end(input);
    });
}

/** Asserts that kubectl exited 0 (showing its stderr when not) and returns its stdout. */
export function expectKubectlOk(result: KubectlResult): string {
  expect(result.code, `kubectl failed:\n${result.stderr}`).toBe(0);
  return result.stdout;
}
