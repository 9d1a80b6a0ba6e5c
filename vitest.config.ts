import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (fast, no browser) and `e2e` (headless Chromium against the built `dist/`).
 * Tests are found by glob, so adding a chapter or a sandbox never means editing a list here.
 */
export default defineConfig({
  test: {
    // Vitest's default (cores − 1) is one worker on a 2-core CI machine, so the unit files waited for
    // the whole browser suite; most of both is waiting on sandbox timers and sockets, not on the CPU.
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: [
            'src/**/*.test.ts',
            'sandboxes/**/*.test.ts',
            'test/*.test.ts',
            'scripts/**/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          // Serves dist/ under the sub-path /bcp/ (build it with `npm run build:e2e`).
          globalSetup: ['test/e2e/global-setup.ts'],
          // One browser at a time on a 2-core machine; pages, axe and search are slow on cold caches.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
