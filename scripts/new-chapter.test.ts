// Scaffolds a chapter into a temporary copy of the parts of the repository it touches, then runs the
// generated sandbox test there (harness and real sockets included), so "a test that passes" stays true.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../src/sandbox/contract/manifest.ts';
import { runSandboxInNode } from '../src/sandbox/node/harness.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;
let root = '';

// Inside the repository (.tmp/ is ignored), so the copy resolves ws and eventsource from node_modules.
beforeAll(() => {
  mkdirSync(join(repo, '.tmp'), { recursive: true });
  root = mkdtempSync(join(repo, '.tmp', 'new-chapter-'));
  // Every sandbox module the harness may import; the UI only draws, so it stays behind.
  cpSync(join(repo, 'src/sandbox'), join(root, 'src/sandbox'), {
    recursive: true,
    filter: (source) =>
      !source.endsWith('.test.ts') &&
      !source.includes('fixtures') &&
      !/[\\/]ui$/.test(source) &&
      !/[\\/]tsconfig[^\\/]*\.json$/.test(source), // they extend the repository's tsconfig.base.json
  });
  cpSync(join(repo, 'sandboxes/sandbox-env.d.ts'), join(root, 'sandboxes/sandbox-env.d.ts'));
  // The scaffold's test reaches the harness as '#harness', through package.json "imports".
  const { imports } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    imports: Record<string, string>;
  };
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module', imports }));
  mkdirSync(join(root, 'src/content/docs/patterns'), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const scaffold = (...args: string[]) =>
  spawnSync(node, [join(repo, 'scripts/new-chapter.ts'), ...args, '--root', root], {
    encoding: 'utf8',
  });

describe('npm run new:chapter', () => {
  it('scaffolds the page and a sandbox whose test passes over real sockets', async () => {
    const result = scaffold('message-queue', '--title', 'Message queues: one job, one worker');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('created src/content/docs/patterns/message-queue.mdx');
    expect(result.stdout).toContain('astro.config.mjs');

    const page = readFileSync(join(root, 'src/content/docs/patterns/message-queue.mdx'), 'utf8');
    const frontmatter = /^---\n([\s\S]*?)\n---\n/.exec(page)?.[1] ?? '';
    expect(frontmatter).toContain("title: 'Message queues: one job, one worker'");
    expect(frontmatter).toMatch(/^description: .+$/m);
    expect(frontmatter).toMatch(/^sandbox: message-queue$/m);
    expect(page).toContain("import Sandbox from '../../../sandbox/ui/Sandbox.astro';");
    expect(page).toContain('<Sandbox id="message-queue">');
    // Every section carries an instruction the content test flags until the author replaces it.
    const sections = page.split(/^## /m).slice(1);
    expect(sections.length).toBeGreaterThanOrEqual(5);
    for (const section of sections) expect(section).toMatch(/^TODO /m);
    // The skeleton every chapter ends with (checked for real chapters by test/content.test.ts).
    expect(sections.map((section) => section.split('\n')[0]).slice(-3)).toEqual([
      'Summary',
      'Try it',
      'Sources',
    ]);

    const dir = join(root, 'sandboxes/message-queue');
    const manifest = parseManifest(
      JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')),
      'message-queue',
    );
    for (const file of manifest.files) expect(existsSync(join(dir, file))).toBe(true);
    expect(readFileSync(join(dir, 'message-queue.test.ts'), 'utf8')).toContain(
      "import { runSandboxInNode } from '#harness';",
    );

    const run = await runSandboxInNode(dir);
    expect(run.logs).toEqual([
      { host: 'server', level: 'log', text: 'greeting reader' },
      { host: 'client', level: 'log', text: '200 hello, reader' },
    ]);

    const test = spawnSync(
      node,
      [
        join(repo, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        root,
        'sandboxes/message-queue',
      ],
      { encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 120_000 },
    );
    expect(test.status, `${test.stdout}\n${test.stderr}`).toBe(0);
    expect(test.stdout).toMatch(/1 passed/);
  }, 120_000);

  it('titles the page from the id when no --title is given', () => {
    expect(scaffold('fan-out').status).toBe(0);
    expect(readFileSync(join(root, 'src/content/docs/patterns/fan-out.mdx'), 'utf8')).toContain(
      "title: 'Fan out'",
    );
  });

  it('refuses an id that exists', () => {
    const again = scaffold('message-queue');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('"message-queue" already exists');
  });

  it.each(['Bad_Id', 'two--hyphens', '-leading', 'trailing-', '../escape', 'UPPER'])(
    'refuses the bad id %s',
    (id) => {
      const result = scaffold(id);
      expect(result.status).not.toBe(0);
      expect(existsSync(join(root, 'sandboxes', id))).toBe(false);
    },
  );
});
