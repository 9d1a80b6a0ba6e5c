// Every sandbox folder, found by glob: a valid manifest, its files, a test beside it, a page that
// embeds it (its chapter, or a page such as the comparison; `<chapter>.<name>` belongs to <chapter>)
// and a clean run on real sockets.
// Adding a sandbox never means editing a list here.
import { existsSync, globSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSandboxInNode } from '../src/sandbox/node/harness.ts';
import { parseManifest } from '../src/sandbox/contract/manifest.ts';
import { SANDBOX_ID, chapterOfSandbox } from '../src/sandbox/runtime/sandbox-id.ts';
import { checkKnob } from '../src/sandbox/ui/knobs.ts';
import { centreHosts, laneOrder } from '../src/sandbox/ui/trace-lanes.ts';
import { toHar } from '../src/sandbox/trace/har-export.ts';
import { harSchemaErrors } from './har-json-schema.ts';
import { withPartials } from './chapter-source.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Every page of the site with its frontmatter: the page that embeds a sandbox names it there. */
const docPages = globSync('src/content/docs/**/*.mdx', { cwd: root }).map((file) => {
  // With its partials in place: a long chapter embeds some sandboxes from them (decisions/0072).
  const text = withPartials(readFileSync(join(root, file), 'utf8'), join(root, file));
  return { file, text, frontmatter: /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '' };
});
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

  // A default off its own step makes the page refuse to Run until the reader changes the knob.
  it('has knob defaults that the page accepts', () => {
    const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')), id);
    for (const param of Object.values(manifest.params)) {
      expect(checkKnob(String(param.default), param)).toEqual({ ok: true, value: param.default });
    }
  });

  it('has a test beside it', () => {
    expect(globSync('*.test.ts', { cwd: dir }), `add sandboxes/${id}/${id}.test.ts`).not.toEqual(
      [],
    );
  });

  it('has a page in src/content/docs/ that embeds it: the one naming its chapter in its frontmatter', () => {
    // sandboxes/<chapter>.<name>/ belongs to the page of <chapter> (decision 0019).
    const chapter = chapterOfSandbox(id);
    expect(id, 'a sandbox id is <chapter id> or <chapter id>.<name>').toMatch(SANDBOX_ID);
    const names = new RegExp(`^sandbox:\\s*['"]?${chapter}['"]?\\s*$`, 'm');
    const pages = docPages.filter((page) => names.test(page.frontmatter));
    expect(
      pages.map((page) => page.file),
      `one page (for a chapter, src/content/docs/patterns/${chapter}.mdx) has \`sandbox: ${chapter}\``,
    ).toHaveLength(1);
    expect(pages[0]?.text, 'the page embeds the sandbox').toContain(`<Sandbox id="${id}"`);
  });

  // A run may last up to ~8 s by design (the harness ends it at 15 s), beyond vitest's default 5 s.
  it('runs on real sockets with no error-level output and at least one request', async () => {
    const { logs, trace } = await runSandboxInNode(dir, { timeoutMs: 15_000 });
    expect(logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(trace.some((event) => event.kind === 'request')).toBe(true);
    // "Export" on the page writes this HAR from the same events: valid for tools nobody here wrote.
    const har = toHar(trace, { sandbox: id, startedAt: '2026-12-06T06:00:00.000Z' });
    expect(harSchemaErrors(har)).toEqual([]);
    // The traffic view keeps the run's hubs (its traffic's centre) off the diagram's edges.
    const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')), id);
    expect(
      hubsAtAnEdge(
        manifest,
        trace.map((event) => [event.from, event.to] as const),
      ),
      `hubs at an edge of the diagram: set "lanes" in sandboxes/${id}/sandbox.json`,
    ).toEqual([]);
  }, 20_000);
});

/** Hubs of a run's traffic that the lane order puts first or last (none when every lane is one). */
function hubsAtAnEdge(
  manifest: ReturnType<typeof parseManifest>,
  links: ReadonlyArray<readonly [string, string]>,
): string[] {
  const hosts = Object.keys(manifest.hosts);
  const order = laneOrder({ clients: Object.keys(manifest.clients), hosts, lanes: manifest.lanes });
  const hubs = centreHosts(links, hosts);
  // Three hubs among three lanes (a triangle) cannot all be inside; any order is as good then.
  if (hubs.length > order.length - 2) return [];
  return hubs.filter((hub) => hub === order[0] || hub === order.at(-1));
}
