/**
 * Content rules for every chapter, found by glob in src/content/docs/patterns/. The schema in
 * src/content.config.ts checks field types at build time; these tests check what a schema cannot:
 * order, cross-references, length, completeness, diagrams, the closing sections and sources.
 */
import { existsSync, globSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { StarlightUserConfig } from '@astrojs/starlight/types';
import { describe, expect, test, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { SANDBOX_ID, chapterOfSandbox } from '../src/sandbox/runtime/sandbox-id';
import { isPartial, partialsOf, withPartials } from './chapter-source';

// astro.config.mjs passes its options straight to starlight(): capture them to check the real
// configuration (sidebar, plugins) rather than its source text.
const captured = vi.hoisted(() => ({ options: undefined as unknown }));
vi.mock('@astrojs/starlight', () => ({
  default: (options: unknown) => {
    captured.options = options;
    return { name: '@astrojs/starlight', hooks: {} };
  },
}));
await import('../astro.config.mjs');

/** The options astro.config.mjs gives Starlight. */
function starlightOptions(): StarlightUserConfig {
  if (captured.options === undefined) throw new Error('astro.config.mjs did not call starlight()');
  return captured.options as StarlightUserConfig;
}
type SidebarItem = NonNullable<StarlightUserConfig['sidebar']>[number];

const root = resolve(import.meta.dirname, '..');
const docs = resolve(root, 'src/content/docs');

/** The chapters the guide must have, in sidebar order (the order of the study notes). */
const REQUIRED_ORDER = [
  'request-response',
  'sync-async',
  'push',
  'short-polling',
  'long-polling',
  'server-sent-events',
  'pub-sub',
  'multiplexing',
  'stateful-stateless',
  'sidecar',
];

/** Minimum words of prose per chapter (code, imports, tags and frontmatter not counted). */
const MIN_PROSE_WORDS = 900;

/** Words that mark unfinished text. */
const UNFINISHED = /\bTODO\b|\bTBD\b|placeholder|lorem ipsum|coming soon/i;

interface Page {
  id: string;
  file: string;
  /** The page's MDX with its partials in place (see chapter-source.ts): what the reader gets. */
  source: string;
  frontmatter: Record<string, unknown>;
  body: string;
}

function readPage(file: string): Page {
  const source = withPartials(readFileSync(file, 'utf8'), file);
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(source);
  const frontmatter: unknown = match ? parseYaml(match[1] ?? '') : {};
  return {
    id: basename(file, '.mdx'),
    file,
    source,
    frontmatter:
      frontmatter && typeof frontmatter === 'object'
        ? (frontmatter as Record<string, unknown>)
        : {},
    body: match ? source.slice(match[0].length) : source,
  };
}

const chapters = globSync('src/content/docs/patterns/*.mdx', { cwd: root })
  .filter((file) => !isPartial(file))
  .sort()
  .map((file) => readPage(resolve(root, file)));
const chapterIds = new Set(chapters.map((chapter) => chapter.id));

/** Removes fenced code blocks (``` or ~~~), keeping line count so later checks stay simple. */
function withoutCodeFences(text: string): string {
  return text.replace(/^(```|~~~)[\s\S]*?^\1\s*$/gm, (block) => block.replace(/[^\n]/g, ''));
}

/**
 * Counts words of prose the way /work-style word counters do: drops imports, exports, fenced
 * code, MDX comments, HTML/JSX tags and Markdown punctuation, then counts tokens with a letter
 * or digit.
 */
export function proseWords(body: string): number {
  const text = withoutCodeFences(body)
    .replace(/^(import|export) .*$/gm, ' ')
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/[#*|`_>-]/g, ' ');
  return text.split(/\s+/).filter((word) => /[A-Za-z0-9]/.test(word)).length;
}

/** Headings (## and ###) that have no content before the next heading or the end of the file. */
export function emptySections(body: string): string[] {
  const lines = withoutCodeFences(body)
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, '')
    .split('\n');
  const empty: string[] = [];
  lines.forEach((line, index) => {
    if (!/^#{2,3}\s/.test(line)) return;
    const next = lines.slice(index + 1).find((candidate) => candidate.trim() !== '');
    if (next === undefined || /^#{1,6}\s/.test(next)) empty.push(line.trim());
  });
  return empty;
}

/** The https links in a chapter's `## Sources` section (the last section of the page). */
export function sourceLinks(body: string): string[] {
  const start = body.search(/^## Sources\s*$/m);
  if (start < 0) return [];
  return [...body.slice(start).matchAll(/\]\((https:\/\/[^\s)]+)\)/g)].map(([, url = '']) => url);
}

/** The sidebar entries `patterns/<id>` that astro.config.mjs gives Starlight, in order. */
function sidebarChapterIds(): string[] {
  const entries = (items: SidebarItem[]): string[] =>
    items.flatMap((item) =>
      typeof item === 'string' ? [item] : 'items' in item ? entries(item.items) : [],
    );
  return entries(starlightOptions().sidebar ?? []).flatMap(
    (entry) => /^patterns\/([a-z0-9-]+)\/?$/.exec(entry)?.[1] ?? [],
  );
}

/** Diagram components a page imports from src/components/diagrams and actually renders. */
function diagramsOf(page: Page): { name: string; path: string }[] {
  const imports = page.body.matchAll(
    /^import\s+([A-Z]\w*)\s+from\s+['"]([^'"]*components\/diagrams\/[^'"]+\.astro)['"]/gm,
  );
  return [...imports]
    .map(([, name = '', from = '']) => ({ name, path: resolve(dirname(page.file), from) }))
    .filter(({ name }) => new RegExp(`<${name}[\\s/>]`).test(page.body));
}

describe('the chapter list', () => {
  test.each(REQUIRED_ORDER)('chapter %s exists', (id) => {
    expect(chapterIds.has(id), `src/content/docs/patterns/${id}.mdx`).toBe(true);
  });

  test('the sidebar lists the required chapters in order, and every chapter file', () => {
    const sidebar = sidebarChapterIds();
    expect(sidebar.filter((id) => REQUIRED_ORDER.includes(id))).toEqual(REQUIRED_ORDER);
    expect(
      [...chapterIds].filter((id) => !sidebar.includes(id)),
      'chapters missing from the sidebar',
    ).toEqual([]);
    expect(
      sidebar.filter((id) => !chapterIds.has(id)),
      'sidebar entries with no file',
    ).toEqual([]);
  });

  test('the introduction and the contributing page exist', () => {
    for (const path of ['index.mdx', 'contributing/adding-a-chapter.mdx']) {
      const file = resolve(docs, path);
      expect(existsSync(file), path).toBe(true);
      expect(readPage(file).frontmatter.title, `${path} title`).toEqual(expect.any(String));
    }
  });
});

describe.each(chapters.map((chapter) => [chapter.id, chapter] as const))(
  'chapter %s',
  (id, page) => {
    const { frontmatter } = page;

    test('has a title and a description', () => {
      expect(frontmatter.title).toEqual(expect.stringMatching(/\S/));
      expect(frontmatter.description).toEqual(expect.stringMatching(/\S/));
    });

    test('refers only to existing chapters in `related`', () => {
      const related: unknown = frontmatter.related ?? [];
      expect(Array.isArray(related), 'related is a list').toBe(true);
      const ids = related as unknown[];
      expect(
        ids.filter((id) => typeof id !== 'string' || !chapterIds.has(id)),
        'unknown ids',
      ).toEqual([]);
      expect(ids, 'a chapter is not related to itself').not.toContain(page.id);
      expect(new Set(ids).size, 'no duplicates').toBe(ids.length);
    });

    test('embeds its own sandbox (sandboxes/<id>), named in its frontmatter, and every sandboxes/<id>.<name>', () => {
      const embedded = [...page.body.matchAll(/<Sandbox\s[^>]*\bid=["']([^"']+)["']/g)].map(
        ([, id = '']) => id,
      );
      const sandbox = frontmatter.sandbox;
      // Every chapter teaches by running its pattern: one page, its own sandbox, one name.
      expect(sandbox, "the frontmatter names the chapter's sandbox").toBe(id);
      expect(embedded, `the page embeds <Sandbox id="${id}" />`).toContain(id);
      // Further sandboxes belong to the chapter by name: sandboxes/<id>.<name>/ (decision 0019).
      expect(
        embedded.filter((each) => chapterOfSandbox(each) !== id || !SANDBOX_ID.test(each)),
        `other chapters' sandboxes embedded (a second sandbox of this chapter is named ${id}.<name>)`,
      ).toEqual([]);
      expect(
        embedded.filter((each) => !existsSync(resolve(root, 'sandboxes', each, 'sandbox.json'))),
        'embedded sandboxes with no sandboxes/<id>/sandbox.json',
      ).toEqual([]);
      expect(new Set(embedded).size, 'each sandbox embedded once').toBe(embedded.length);
      const own = globSync(`sandboxes/${id}{,.*}/sandbox.json`, { cwd: root }).map((file) =>
        basename(dirname(file)),
      );
      expect(
        own.filter((each) => !embedded.includes(each)),
        `sandboxes of this chapter that the page does not embed`,
      ).toEqual([]);
    });

    test(`has at least ${MIN_PROSE_WORDS} words of prose`, () => {
      expect(proseWords(page.body)).toBeGreaterThanOrEqual(MIN_PROSE_WORDS);
    });

    test('has no empty sections', () => {
      expect(emptySections(page.body)).toEqual([]);
    });

    test('has no unfinished text (TODO, TBD, placeholder, lorem ipsum, coming soon)', () => {
      const lines = page.source.split('\n').filter((line) => UNFINISHED.test(line));
      expect(lines).toEqual([]);
    });

    test('ends with the shared skeleton: Summary, then Try it, then Sources', () => {
      const headings = withoutCodeFences(page.body)
        .split('\n')
        .filter((line) => /^## /.test(line))
        .map((line) => line.slice(3).trim());
      expect(headings.slice(-3)).toEqual(['Summary', 'Try it', 'Sources']);
    });

    test('lists its sources as links a reader can follow', () => {
      expect(sourceLinks(page.body).length, 'https links under ## Sources').toBeGreaterThanOrEqual(
        3,
      );
    });

    test('shows at least one diagram with a <title> and a <desc>', () => {
      const diagrams = diagramsOf(page);
      expect(
        diagrams.map(({ name }) => name),
        'diagrams imported from src/components/diagrams and rendered',
      ).not.toEqual([]);
      for (const { name, path } of diagrams) {
        expect(existsSync(path), `${name}: ${path} exists`).toBe(true);
        const svg = readFileSync(path, 'utf8');
        expect(svg, `${name} draws an <svg>`).toMatch(/<svg[\s>]/);
        expect(svg, `${name} has a non-empty <title>`).toMatch(
          /<title[^>]*>\s*\S[\s\S]*?<\/title>/,
        );
        expect(svg, `${name} has a non-empty <desc>`).toMatch(/<desc[^>]*>\s*\S[\s\S]*?<\/desc>/);
      }
    });
  },
);

/**
 * Partials (decisions/0072): `_<page>.<part>.mdx` beside `<page>.mdx`, which imports it and places
 * it once. A partial holds no heading, because Starlight builds the table of contents, and the link
 * checker the page's anchors, from the page's own file only.
 */
describe.each(globSync('src/content/docs/**/_*.mdx', { cwd: root }).sort())(
  'partial %s',
  (file) => {
    const path = resolve(root, file);
    const page = /^_([a-z0-9-]+)\.[a-z0-9-]+\.mdx$/.exec(basename(path))?.[1];

    test('is named _<page>.<part>.mdx and placed once by <page>.mdx beside it', () => {
      expect(page, 'the file name: _<page>.<part>.mdx').toEqual(expect.any(String));
      const owner = resolve(dirname(path), `${page ?? ''}.mdx`);
      expect(existsSync(owner), `${page ?? ''}.mdx beside it`).toBe(true);
      const source = readFileSync(owner, 'utf8');
      const imports = partialsOf(source, owner).filter((each) => each.path === path);
      expect(
        imports.map(({ name }) => name),
        `${page ?? ''}.mdx imports it once`,
      ).toHaveLength(1);
      const tag = new RegExp(`^<${imports[0]?.name ?? ''}\\s*/>\\s*$`, 'gm');
      expect(source.match(tag) ?? [], `${page ?? ''}.mdx places it once`).toHaveLength(1);
    });

    test('holds no heading (the page keeps them all)', () => {
      const headings = withoutCodeFences(readFileSync(path, 'utf8'))
        .split('\n')
        .filter((line) => /^#{1,6}\s/.test(line));
      expect(headings).toEqual([]);
    });
  },
);

/**
 * Lines where a block tag holds Markdown without a blank line next to it. MDX renders that, but
 * Prettier's MDX printer then treats the content as JSX text and joins a list into one paragraph,
 * so `npm run format` would silently change the page. A blank line (or another tag) avoids it.
 */
export function unspacedBlockTags(source: string): string[] {
  const lines = withoutCodeFences(source).split('\n');
  const isTagLine = (line = '') => line.trim() === '' || line.trimStart().startsWith('<');
  const found: string[] = [];
  lines.forEach((line, index) => {
    if (/^<[A-Za-z][\w.-]*(\s[^>]*)?>\s*$/.test(line) && !line.includes('/>')) {
      if (!isTagLine(lines[index + 1])) found.push(`${index + 1}: ${line.trim()}`);
    } else if (/^<\/[A-Za-z][\w.-]*>\s*$/.test(line)) {
      if (!isTagLine(lines[index - 1])) found.push(`${index + 1}: ${line.trim()}`);
    }
  });
  return found;
}

test.each(globSync('src/content/docs/**/*.mdx', { cwd: root }).sort())(
  '%s leaves a blank line inside block tags such as <Aside>',
  (file) => {
    expect(unspacedBlockTags(readFileSync(resolve(root, file), 'utf8'))).toEqual([]);
  },
);

describe('site configuration', () => {
  test('the production build checks internal links (starlight-links-validator)', () => {
    const plugins = (starlightOptions().plugins ?? []).map((plugin) => plugin.name);
    expect(plugins).toContain('starlight-links-validator');
  });
});
