// Serves the sandbox runner next to a bare test page that exposes the page-side runner client, so
// runtime tests exercise the real frame, worker and virtual network without the docs site.
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildRunner } from '../../scripts/sandbox-runner.mjs';
import { parseManifest } from '../../src/sandbox/runtime/manifest';

export interface RuntimePageServer {
  url: string;
  close(): Promise<void>;
}

/** Starts a local server with `/` (a page exposing `window.SandboxRunner`) and the runner HTML. */
export async function startRuntimePage(): Promise<RuntimePageServer> {
  const runner = await buildRunner();
  const client = await build({
    entryPoints: [new URL('../../src/sandbox/runtime/runner-client.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    globalName: 'SandboxRuntime',
    write: false,
    logLevel: 'silent',
  });
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>runtime test</title></head><body><h1>runtime test</h1><script>${client.outputFiles[0]?.text ?? ''}</script></body></html>`;
  const server: Server = createServer((request, response) => {
    const body = request.url?.startsWith('/runner.html') ? runner.html : page;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Reads a sandbox folder (manifest + .ts files) into the shape the runner takes. */
export async function readSandboxFolder(dir: string, id = dir.split('/').at(-1) ?? 'sandbox') {
  const manifest = parseManifest(JSON.parse(await readFile(join(dir, 'sandbox.json'), 'utf8')), id);
  const files: Record<string, string> = {};
  for (const name of await readdir(dir)) {
    if (name.endsWith('.ts') && !name.endsWith('.test.ts'))
      files[name] = await readFile(join(dir, name), 'utf8');
  }
  return { manifest, files };
}
