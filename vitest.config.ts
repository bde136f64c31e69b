import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Node unit tests, web component tests in jsdom, and end-to-end tests that drive Debian's
// Chromium against the built portal; `node-deployed` and `e2e-deployed` run the API suite and
// the browser flows again with the portal as the deploy kit runs it (test/support/portalTestMode.ts).
// `npm test` (scripts/runTests.ts) runs them all.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'src/**/*.test.ts',
            'test/**/*.test.ts',
            'bench/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          exclude: ['src/web/**', 'test/e2e/**', 'test/realRay/**'],
          globalSetup: ['test/support/ensureNodeTestPackages.ts'],
        },
      },
      {
        // The sample workloads under real Ray core in a cached virtual environment, and the
        // sandbox's simulated Ray checked against it (test/realRay/ensureRealRay.ts); skips
        // with the reason where Ray cannot be installed.
        test: {
          name: 'real-ray',
          environment: 'node',
          include: ['test/realRay/**/*.test.ts'],
          globalSetup: ['test/realRay/ensureRealRay.ts'],
          // Each run has its own bound (test/realRay/runOnRealRay.ts); this is the backstop.
          testTimeout: 600_000,
          // One local Ray at a time: the machines have 2 cores.
          fileParallelism: false,
        },
      },
      {
        // The API suite again, against `raydeck serve` run as the deploy kit's pod (in-cluster,
        // the kit's RBAC enforced): test/support/portalTestMode.ts.
        test: {
          name: 'node-deployed',
          environment: 'node',
          include: ['test/portal/portalApi.test.ts'],
          env: { RAYDECK_TEST_PORTAL_MODE: 'deployed' },
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['src/web/**/*.test.{ts,tsx}'],
          setupFiles: ['src/web/testSetup.ts'],
          // Whole-page tests render Mantine in jsdom: several seconds each under full load.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/e2e/ensureChromium.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One browser at a time: the machines have 2 cores.
          fileParallelism: false,
        },
      },
      {
        // The browser flows again against `raydeck serve` run as the deploy kit's pod
        // (test/support/portalTestMode.ts); after the other projects, so one browser at a time.
        test: {
          name: 'e2e-deployed',
          environment: 'node',
          include: ['test/e2e/clusterLifecycle.e2e.test.ts', 'test/e2e/gpuShortage.e2e.test.ts'],
          globalSetup: ['test/e2e/ensureChromium.ts'],
          env: { RAYDECK_TEST_PORTAL_MODE: 'deployed' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
