/**
 * `sandbox-compiled/<id>.json`: every file a sandbox runs (its manifest's `files`) compiled at build
 * time, so a Run of the chapter's own code never needs the in-page transpiler. Each entry carries the
 * hash of its source, so a page and a compiled file from different builds never mix.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { createHash } from 'node:crypto';
import { parseManifest } from '../../sandbox/contract/manifest';
import type { PrecompiledFile } from '../../sandbox/runtime/source-positions';
import { transpile } from '../../sandbox/runtime/transpile';

const sources = import.meta.glob<string>(['/sandboxes/*/*.ts', '!/sandboxes/*/*.test.ts'], {
  eager: true,
  query: '?raw',
  import: 'default',
});

const manifests = import.meta.glob<unknown>('/sandboxes/*/sandbox.json', {
  eager: true,
  import: 'default',
});

export const getStaticPaths = (() => {
  const ids = Object.keys(manifests).map((path) => path.split('/')[2] ?? '');
  return ids.map((id) => ({ params: { id } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => {
  const id = params.id ?? '';
  // Only what a Run sends: exercises.ts (checked in the page) was 2.9 KB of the first Run's gzip.
  const runs = new Set(parseManifest(manifests[`/sandboxes/${id}/sandbox.json`], id).files);
  const compiled: Record<string, PrecompiledFile> = {};
  for (const [path, source] of Object.entries(sources)) {
    const [, , sandbox, file = ''] = path.split('/');
    if (sandbox !== id || !runs.has(file)) continue;
    const result = transpile(file, source);
    if (!result.ok)
      throw new Error(`sandboxes/${id}/${file}:${result.line}:${result.column} ${result.message}`);
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
    compiled[file] = { hash, code: result.code, mappings: result.mappings };
  }
  return new Response(JSON.stringify(compiled), {
    headers: { 'content-type': 'application/json' },
  });
};
