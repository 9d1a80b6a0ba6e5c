/**
 * `sandbox-code/<id>.json`: every file of a sandbox as the highlighted HTML its chapter shows. The
 * page carries only the code of the tab selected at load; a file's tab fetches its code from here on
 * first use, so a chapter with several sandboxes stays small (decisions/0060).
 */
import { Code } from '@astrojs/starlight/components';
import type { APIRoute, GetStaticPaths } from 'astro';
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { createHash } from 'node:crypto';
import { parseManifest } from '../../sandbox/contract/manifest';
import {
  SANDBOX_CODE_PROPS,
  splitExpressiveCodeAssets,
  type DeferredFile,
} from '../../sandbox/ui/deferred-code';

const manifests = import.meta.glob<unknown>('/sandboxes/*/sandbox.json', {
  eager: true,
  import: 'default',
});
const sources = import.meta.glob<string>(['/sandboxes/*/*.ts', '!/sandboxes/*/*.test.ts'], {
  eager: true,
  query: '?raw',
  import: 'default',
});

export const getStaticPaths = (() =>
  Object.keys(manifests).map((path) => ({
    params: { id: path.split('/')[2] ?? '' },
  }))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => {
  const id = params.id ?? '';
  const manifest = parseManifest(manifests[`/sandboxes/${id}/sandbox.json`], id);
  const container = await AstroContainer.create();
  const files: Record<string, DeferredFile> = {};
  for (const file of manifest.files) {
    const code = sources[`/sandboxes/${id}/${file}`] ?? '';
    // Each render is a page of its own to Expressive Code: drop the page-level assets it adds.
    const html = await container.renderToString(Code, { props: { code, ...SANDBOX_CODE_PROPS } });
    files[file] = {
      hash: createHash('sha256').update(code).digest('hex').slice(0, 16),
      html: splitExpressiveCodeAssets(html).code,
    };
  }
  return new Response(JSON.stringify(files), { headers: { 'content-type': 'application/json' } });
};
