// For every sandbox: write the StackBlitz project to a temp folder, `npm install` it and `npm start`
// it with the system Node (20 here, as StackBlitz lags), and compare the client's output with a
// harness run of the same sandbox. Slow (one npm install per sandbox), hence the long timeouts.
import { execFileSync, spawnSync } from 'node:child_process';
import { globSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runSandboxInNode } from '../node/harness.ts';
import { parseManifest } from './manifest.ts';
import { createStackblitzProject } from './stackblitz-project.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ids = globSync('sandboxes/*/sandbox.json', { cwd: root })
  .map((file) => dirname(file).split(/[\\/]/).at(-1) ?? '')
  .sort();

// `npm run` puts node_modules/.bin (with Node 24) first on PATH; drop it to reach the system Node.
const systemPath = (process.env.PATH ?? '')
  .split(delimiter)
  .filter(
    (entry) => !entry.includes(`node_modules${'/'}.bin`) && !entry.includes('node_modules\\.bin'),
  )
  .join(delimiter);
// npm_* variables from the outer `npm run` (e.g. npm_node_execpath) would point back at Node 24.
const systemEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries({ ...process.env, PATH: systemPath }).filter(([key]) => !key.startsWith('npm_')),
);
const systemNodeVersion = execFileSync('node', ['--version'], {
  env: systemEnv,
  encoding: 'utf8',
}).trim();

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function readSandbox(id: string, dir = join(root, 'sandboxes', id)) {
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')), id);
  const files: Record<string, string> = {};
  for (const file of manifest.files) files[file] = readFileSync(join(dir, file), 'utf8');
  return { dir, manifest, files };
}

describe('createStackblitzProject', () => {
  it('builds a plain Node project from the sandbox files, unchanged', () => {
    const { manifest, files } = readSandbox('request-response');
    const project = createStackblitzProject('request-response', manifest, files, {
      chapterUrl: 'https://example.org/patterns/request-response/',
    });
    expect(project.template).toBe('node');
    expect(project.description).toBe(manifest.title);
    expect(Object.keys(project.files).sort()).toEqual(
      [
        'README.md',
        'client.ts',
        'cookie-jar.ts',
        'package.json',
        'run.ts',
        'sandbox-env.d.ts',
        'sandbox.json',
        'server.ts',
        'tsconfig.json',
      ].sort(),
    );
    expect(project.files['client.ts']).toBe(files['client.ts']);
    expect(project.files['server.ts']).toBe(files['server.ts']);
    expect(project.files['sandbox-env.d.ts']).toBe(
      readFileSync(join(root, 'sandboxes/sandbox-env.d.ts'), 'utf8'),
    );
    expect(project.files['run.ts']).toBe(
      readFileSync(join(root, 'src/sandbox/node/stackblitz-run.ts'), 'utf8'),
    );
    const pkg = JSON.parse(project.files['package.json'] ?? '') as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe('tsx run.ts');
    for (const version of Object.values(pkg.dependencies)) expect(version).toMatch(/^\^\d+/);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['eventsource', 'tsx', 'ws']);
    expect(JSON.parse(project.files['sandbox.json'] ?? '')).toMatchObject({ target: 'server' });
    expect(project.files['README.md']).toContain('https://example.org/patterns/request-response/');
    expect(project.files['cookie-jar.ts']).toBe(
      readFileSync(join(root, 'src/sandbox/node/cookie-jar.ts'), 'utf8'),
    );
    // run.ts imports only Node built-ins, the pinned packages and the cookie jar beside it.
    const imports = [...(project.files['run.ts'] ?? '').matchAll(/from '([^']+)'/g)].map(
      (match) => match[1],
    );
    expect(
      imports.every(
        (name) =>
          name?.startsWith('node:') ||
          name === 'ws' ||
          name === 'eventsource' ||
          name === './cookie-jar.ts',
      ),
    ).toBe(true);
    expect(project.files['cookie-jar.ts']).not.toMatch(/from '/);
  });

  it('refuses a project with a file missing', () => {
    const { manifest } = readSandbox('request-response');
    expect(() =>
      createStackblitzProject('request-response', manifest, { 'client.ts': '' }),
    ).toThrow(/missing server\.ts/);
  });

  it(`runs on the system Node (${systemNodeVersion}), not Node 24 from node_modules`, () => {
    expect(systemNodeVersion).not.toBe(process.version);
    expect(Number(/^v(\d+)/.exec(systemNodeVersion)?.[1])).toBeLessThan(22);
  });

  // Every sandbox, plus the harness fixtures that use the fallbacks Node 20 needs (EventSource and
  // WebSocket from packages, cookies through the wrapped fetch).
  const cases = [
    ...ids.map((id) => ({ label: `sandboxes/${id}`, id, dir: join(root, 'sandboxes', id) })),
    ...['sse', 'websocket', 'cookies', 'params'].map((id) => ({
      label: `fixture ${id}`,
      id,
      dir: join(root, 'src/sandbox/node/fixtures', id),
    })),
  ];

  it.each(cases)(
    '$label installs and runs with npm start, printing what the client prints in the harness',
    async ({ id, dir: folder }) => {
      const { dir, manifest, files } = readSandbox(id, folder);
      const project = createStackblitzProject(id, manifest, files);
      const out = mkdtempSync(join(tmpdir(), `stackblitz-${id}-`));
      temps.push(out);
      for (const [name, text] of Object.entries(project.files))
        writeFileSync(join(out, name), text);

      const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: out,
        env: systemEnv,
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect(install.status, install.stderr).toBe(0);

      const start = spawnSync('npm', ['start', '--silent'], {
        cwd: out,
        env: systemEnv,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(start.status, `${start.stdout}\n${start.stderr}`).toBe(0);

      const expected = await runSandboxInNode(dir);
      const width = Math.max(
        ...[...Object.keys(manifest.hosts), ...Object.keys(manifest.clients)].map((n) => n.length),
      );
      const printed = start.stdout.split('\n');
      // Sandboxes run on timers, so numbers (latencies, waits) and bar charts vary between runs:
      // compare lines with those normalised, and expect most of the harness's lines to appear.
      const normalise = (text: string) =>
        text
          .slice(0, 40)
          .replace(/\d+/g, '#')
          .replace(/[\u2580-\u259f]+/g, '▮');
      for (const client of Object.keys(manifest.clients)) {
        const want = expected.logs
          .filter((line) => line.host === client)
          .flatMap((line) => line.text.split('\n'))
          .map(normalise);
        const got = printed
          .filter((line) => line.startsWith(`[${client.padEnd(width)}] `))
          .map((line) => normalise(line.slice(width + 3)));
        expect(got.length, `${client} printed nothing:\n${start.stdout}`).toBeGreaterThan(0);
        const seen = want.filter((line) => got.includes(line)).length;
        expect(
          seen,
          `${client}: ${seen} of ${want.length} lines match\n${start.stdout}`,
        ).toBeGreaterThanOrEqual(Math.ceil(want.length / 2));
      }
      for (const host of Object.keys(manifest.hosts))
        expect(start.stdout).toMatch(
          new RegExp(`${host} listening on http://127\\.0\\.0\\.1:\\d+/`),
        );
    },
    300_000,
  );
});
