import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** What every browser project shares: dist/ served under the sub-path /bcp/ (`npm run build:e2e`). */
const browserProject = {
  environment: 'node',
  globalSetup: ['test/e2e/global-setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 120_000,
  // expect.poll's default of 1 s is shorter than one Playwright round trip on a loaded 2-core machine.
  expect: { poll: { timeout: 15_000 } },
} satisfies TestProjectInlineConfiguration['test'];

/**
 * Three projects, one after another: `unit` (no browser), `e2e` (headless browsers against the built
 * `dist/`) and `e2e-solo` (browser files that need the machine to themselves). Tests are found by
 * glob, so adding a chapter or a sandbox never means editing a list here.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          // Three at a time: most units wait on sandbox timers and sockets, not on the CPU.
          sequence: { groupOrder: 0 },
          maxWorkers: 3,
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
          ...browserProject,
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: ['test/e2e/**/*.solo.test.ts'],
          // Two browser files at a time: one at a time left a core idle for most of a 30-minute CI
          // run on 2 cores; more than two starve the timing of the sandboxes' runs (decisions/0079).
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
        },
      },
      {
        test: {
          ...browserProject,
          name: 'e2e-solo',
          // Runs that hold gigabytes or race the watchdog: alone, or a busy neighbour decides them.
          include: ['test/e2e/**/*.solo.test.ts'],
          sequence: { groupOrder: 2 },
          fileParallelism: false,
        },
      },
    ],
  },
});
