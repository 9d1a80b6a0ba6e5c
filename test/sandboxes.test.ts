// Every sandbox folder, found by glob: a valid manifest, its files, a test beside it, a chapter that
// embeds it, and a clean run on real sockets. Adding a sandbox never means editing a list here.
import { existsSync, globSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSandboxInNode } from '../src/sandbox/node/harness.ts';
import { parseManifest } from '../src/sandbox/runtime/manifest.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const ids = globSync('sandboxes/*/sandbox.json', { cwd: root })
  .map((file) => dirname(file).split(/[\\/]/).at(-1) ?? '')
  .sort();

it('finds at least one sandbox', () => {
  expect(ids.length).toBeGreaterThan(0);
});

describe.each(ids)('sandboxes/%s', (id) => {
  const dir = join(root, 'sandboxes', id);

  it('has a valid sandbox.json and every file it names', () => {
    const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')), id);
    const named = [
      ...manifest.files,
      ...Object.values(manifest.hosts),
      ...Object.values(manifest.clients),
    ];
    for (const file of new Set(named)) {
      expect(existsSync(join(dir, file)), `sandboxes/${id}/${file} is named in sandbox.json`).toBe(
        true,
      );
    }
  });

  it('has a test beside it', () => {
    expect(globSync('*.test.ts', { cwd: dir }), `add sandboxes/${id}/${id}.test.ts`).not.toEqual(
      [],
    );
  });

  it(`has a chapter src/content/docs/patterns/${id}.mdx that embeds it`, () => {
    const page = join(root, 'src/content/docs/patterns', `${id}.mdx`);
    expect(existsSync(page), `src/content/docs/patterns/${id}.mdx exists`).toBe(true);
    const text = readFileSync(page, 'utf8');
    const frontmatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '';
    expect(frontmatter, 'frontmatter names the sandbox').toMatch(
      new RegExp(`^sandbox:\\s*['"]?${id}['"]?\\s*$`, 'm'),
    );
    expect(text, 'the page embeds the sandbox').toContain(`<Sandbox id="${id}"`);
  });

  it('runs on real sockets with no error-level output and at least one request', async () => {
    const { logs, trace } = await runSandboxInNode(dir, { timeoutMs: 15_000 });
    expect(logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(trace.some((event) => event.kind === 'request')).toBe(true);
  });
});
