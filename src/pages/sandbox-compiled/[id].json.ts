/**
 * `sandbox-compiled/<id>.json`: every file of a sandbox compiled at build time, so a Run of the
 * chapter's own code never needs the in-page transpiler. Each entry carries the hash of its source,
 * so a page and a compiled file from different builds never mix.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { createHash } from 'node:crypto';
import type { PrecompiledFile } from '../../sandbox/runtime/source-positions';
import { transpile } from '../../sandbox/runtime/transpile';

const sources = import.meta.glob<string>(['/sandboxes/*/*.ts', '!/sandboxes/*/*.test.ts'], {
  eager: true,
  query: '?raw',
  import: 'default',
});

export const getStaticPaths = (() => {
  const ids = new Set(Object.keys(sources).map((path) => path.split('/')[2] ?? ''));
  return [...ids].map((id) => ({ params: { id } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => {
  const compiled: Record<string, PrecompiledFile> = {};
  for (const [path, source] of Object.entries(sources)) {
    const [, , id, file = ''] = path.split('/');
    if (id !== params.id || file.endsWith('.d.ts')) continue;
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
