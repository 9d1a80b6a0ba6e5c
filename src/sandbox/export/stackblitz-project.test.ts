// For every sandbox: write the StackBlitz project to a temp folder, `npm install` it and `npm start`
// it with Node 20 (StackBlitz's version, from test/node20, whatever the contributor's system Node
// is), and compare everything it prints with a harness run of the same sandbox, line by line.
import { execFileSync, spawnSync } from 'node:child_process';
import { globSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSandboxInNode, type HarnessLog } from '../node/harness.ts';
import { parseManifest } from '../contract/manifest.ts';
import {
  createStackblitzProject,
  flattenImports,
  STACKBLITZ_DEPENDENCIES,
} from './stackblitz-project.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ids = globSync('sandboxes/*/sandbox.json', { cwd: root })
  .map((file) => dirname(file).split(/[\\/]/).at(-1) ?? '')
  .sort();

// Node 20 comes from npm (test/node20, a dev dependency): its bin folder goes first on PATH, so
// `npm`, `tsx` and the project run on it. npm_* variables from an outer `npm run` are dropped, as
// they point back at Node 24.
const node20Bin = join(
  dirname(createRequire(import.meta.url).resolve('node20/package.json')),
  'node_modules',
  '.bin',
);
const node20Env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries({
    ...process.env,
    PATH: [node20Bin, process.env.PATH ?? ''].join(delimiter),
  }).filter(([key]) => !key.startsWith('npm_')),
);

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
        'host-server.ts',
        'host-websocket.ts',
        'package.json',
        'raw-headers.ts',
        'reason-phrases.ts',
        'run-scope.ts',
        'run-types.ts',
        'run.ts',
        'sandbox-contract.ts',
        'send-response.ts',
        'sandbox-env.d.ts',
        'sandbox-manifest.ts',
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
    // The wiring is the repository's modules, each with only its relative imports pointed beside it.
    const wiring: Record<string, string> = {
      'run.ts': 'src/sandbox/node/stackblitz-run.ts',
      'run-types.ts': 'src/sandbox/node/run-types.ts',
      'run-scope.ts': 'src/sandbox/node/run-scope.ts',
      'host-server.ts': 'src/sandbox/node/host-server.ts',
      'host-websocket.ts': 'src/sandbox/node/host-websocket.ts',
      'raw-headers.ts': 'src/sandbox/node/raw-headers.ts',
      'send-response.ts': 'src/sandbox/node/send-response.ts',
      'cookie-jar.ts': 'src/sandbox/http/cookie-jar.ts',
      'reason-phrases.ts': 'src/sandbox/http/reason-phrases.ts',
      'sandbox-contract.ts': 'src/sandbox/contract/sandbox.ts',
      'sandbox-manifest.ts': 'src/sandbox/contract/manifest.ts',
    };
    const relative = /from '(\.{1,2}\/[^']+)'/g;
    for (const [name, path] of Object.entries(wiring)) {
      const original = readFileSync(join(root, path), 'utf8');
      const exported = project.files[name] ?? '';
      expect(exported.replace(relative, "from ''")).toBe(original.replace(relative, "from ''"));
      for (const [, spec] of exported.matchAll(relative)) {
        expect(spec, `${name} imports ${spec}`).toMatch(/^\.\/[\w-]+\.ts$/);
        expect(Object.keys(project.files), `${name} imports ${spec}`).toContain(spec?.slice(2));
      }
      // Beyond each other, the wiring imports only Node built-ins and the pinned packages.
      for (const [, spec] of exported.matchAll(/from '([^'.][^']*)'/g))
        expect(spec === 'ws' || spec === 'eventsource' || spec?.startsWith('node:'), spec).toBe(
          true,
        );
    }
    const pkg = JSON.parse(project.files['package.json'] ?? '') as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe('tsx run.ts');
    for (const version of Object.values(pkg.dependencies)) expect(version).toMatch(/^\^\d+/);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['eventsource', 'tsx', 'ws']);
    expect(JSON.parse(project.files['sandbox.json'] ?? '')).toMatchObject({ target: 'server' });
    expect(project.files['README.md']).toContain('https://example.org/patterns/request-response/');
    expect(project.files['cookie-jar.ts']).not.toMatch(/from '/);
    // The contract is the repository's, and sandbox-env.d.ts finds it through the same alias.
    expect(project.files['sandbox-contract.ts']).toBe(
      readFileSync(join(root, 'src/sandbox/contract/sandbox.ts'), 'utf8'),
    );
    expect(project.files['sandbox-manifest.ts']).toBe(
      readFileSync(join(root, 'src/sandbox/contract/manifest.ts'), 'utf8'),
    );
    expect(JSON.parse(project.files['package.json'] ?? '').imports).toEqual({
      '#contract': './sandbox-contract.ts',
    });
  });

  it('refuses to export wiring that imports a repository file the project does not carry', () => {
    expect(() =>
      flattenImports("import { parse } from '../runtime/manifest.ts';", 'node/stackblitz-run.ts'),
    ).toThrow(/node\/stackblitz-run\.ts imports \.\.\/runtime\/manifest\.ts/);
  });

  it('refuses a project with a file missing', () => {
    const { manifest } = readSandbox('request-response');
    expect(() =>
      createStackblitzProject('request-response', manifest, { 'client.ts': '' }),
    ).toThrow(/missing server\.ts/);
  });

  it('runs exported projects on Node 20, whatever the system Node is', () => {
    const version = execFileSync('node', ['--version'], { env: node20Env, encoding: 'utf8' });
    expect(version.trim()).toMatch(/^v20\./);
  });

  it('type-checks as exported: sandbox files see SandboxEnv and SandboxPeer from the contract', () => {
    const { manifest, files } = readSandbox('push');
    const project = createStackblitzProject('push', manifest, files);
    const out = mkdtempSync(join(tmpdir(), 'stackblitz-types-'));
    temps.push(out);
    for (const [name, text] of Object.entries(project.files)) writeFileSync(join(out, name), text);
    symlinkSync(join(installed, 'node_modules'), join(out, 'node_modules'), 'dir');
    const tsc = spawnSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', out],
      {
        encoding: 'utf8',
      },
    );
    // Only the sandbox's files and the contract: run.ts passes Node 24 options that Node 20's
    // types do not declare (shouldUpgradeCallback), which Node 20 ignores at run time.
    const ours = [...Object.keys(files), 'sandbox-env.d.ts', 'sandbox-contract.ts'];
    const errors = `${tsc.stdout}${tsc.stderr}`
      .split('\n')
      .filter((line) => ours.some((name) => line.includes(`/${name}(`)) || line.includes('TS5'));
    expect(errors).toEqual([]);
  }, 60_000);

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

  // Every project has the same dependencies: install them once on Node 20 and link them into each.
  let installed = '';
  beforeAll(() => {
    installed = mkdtempSync(join(tmpdir(), 'stackblitz-deps-'));
    temps.push(installed);
    const { manifest, files } = readSandbox('request-response');
    const project = createStackblitzProject('request-response', manifest, files);
    writeFileSync(join(installed, 'package.json'), project.files['package.json'] ?? '');
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: installed,
      env: node20Env,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(install.status, install.stderr).toBe(0);
  }, 300_000);

  it.each(cases)(
    '$label runs with npm start on Node 20 and its clients print the lines they print in the harness',
    async ({ id, dir: folder }) => {
      const { dir, manifest, files } = readSandbox(id, folder);
      const project = createStackblitzProject(id, manifest, files);
      expect(JSON.parse(project.files['package.json'] ?? '').dependencies).toEqual(
        STACKBLITZ_DEPENDENCIES,
      );
      const out = mkdtempSync(join(tmpdir(), `stackblitz-${id}-`));
      temps.push(out);
      for (const [name, text] of Object.entries(project.files))
        writeFileSync(join(out, name), text);
      symlinkSync(join(installed, 'node_modules'), join(out, 'node_modules'), 'dir');

      // Clients print what the chapter teaches: each must print the same lines as in the harness,
      // nothing missing and nothing extra, and every warning and error must match in order. How
      // often a timer-driven line repeats (a heartbeat, a poll) and where it falls can shift
      // between Node 20 and Node 24 (Node 20 has no built-in WebSocket), so those are not compared,
      // and each name gets up to three runs. Hosts log heartbeats and queue states that follow
      // those timers, so for them only warnings and errors are compared.
      const names = [...Object.keys(manifest.hosts), ...Object.keys(manifest.clients)];
      const unmatched = new Map<string, string>(names.map((name) => [name, '']));
      for (let attempt = 1; attempt <= 3 && unmatched.size > 0; attempt++) {
        const start = spawnSync('npm', ['start', '--silent'], {
          cwd: out,
          env: node20Env,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(start.status, `${start.stdout}\n${start.stderr}`).toBe(0);
        for (const host of Object.keys(manifest.hosts))
          expect(start.stdout).toMatch(
            new RegExp(`^${host} listening on http://127\\.0\\.0\\.1:\\d+/$`, 'm'),
          );
        const expected = await runSandboxInNode(dir);
        for (const name of unmatched.keys()) {
          const difference = printedDifference(name, names, start, expected.logs, manifest.hosts);
          if (difference === '') unmatched.delete(name);
          else unmatched.set(name, difference);
        }
      }
      expect(Object.fromEntries(unmatched)).toEqual({});
    },
    240_000,
  );
});

/**
 * How what `npm start` printed for `name` differs from the harness's lines for it, or '' when it
 * does not: the same distinct log lines (clients only), and the same warnings and errors in
 * order. run.ts prints log and info lines to stdout, warnings and errors to stderr, each
 * labelled `[name] `.
 */
function printedDifference(
  name: string,
  names: string[],
  printed: { stdout: string; stderr: string },
  logs: HarnessLog[],
  hosts: Record<string, string>,
): string {
  const label = `[${name.padEnd(Math.max(...names.map((each) => each.length)))}] `;
  const linesOf = (text: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(label))
      .map((line) => normalise(line.slice(label.length)));
  const harnessLines = (levels: string[]) =>
    logs
      .filter((line) => line.host === name && levels.includes(line.level))
      .flatMap((line) => line.text.split('\n'))
      .map(normalise);
  const distinct = (lines: string[]) => [...new Set(lines)].sort();
  const comparisons = [
    { got: linesOf(printed.stderr), want: harnessLines(['warn', 'error']) },
    ...(name in hosts
      ? []
      : [
          {
            got: distinct(linesOf(printed.stdout)),
            want: distinct(harnessLines(['log', 'info'])),
          },
        ]),
  ];
  for (const { got, want } of comparisons) {
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      return `npm start printed:\n${got.join('\n')}\nthe harness printed:\n${want.join('\n')}`;
    }
  }
  return '';
}

/**
 * A printed line with what differs between two runs of the same code blanked out: random ids
 * (hex with a digit), numbers (timings, latencies), the spaces that align numbers in a table, and
 * the lengths of bar charts.
 *
 * @example
 * normalise('session 4f3ac… answered 200 in 12 ms ███') // 'session <id>… answered # in # ms ▮'
 */
function normalise(text: string): string {
  return text
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{5,}\b/g, '<id>')
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/[\u2580-\u259f]+/g, '▮')
    .replace(/ {2,}/g, ' ')
    .replace(/ \(line # column #\)/g, ''); // Node 22+ adds the line and column to JSON.parse errors
}
