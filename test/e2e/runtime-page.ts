/**
 * A bare page with the page-side runtime (runner client) and the traffic view, next to the real
 * sandbox runner, so tests drive real runs without the docs site. Starlight-like theme variables are
 * set for light and `data-theme="dark"`, as the site sets them.
 */
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildRunner, buildTranspiler } from '../../scripts/sandbox-runner.mjs';
import { parseManifest } from '../../src/sandbox/contract/manifest';
import type { ConsoleEntry } from '../../src/sandbox/runtime/protocol';
import type { SandboxManifest } from '../../src/sandbox/contract/manifest';
import type { TraceEvent } from '../../src/sandbox/trace/events';

const root = new URL('../../', import.meta.url).pathname;

const THEME = `
:root { --sl-color-white:#17181c; --sl-color-gray-1:#24272f; --sl-color-gray-2:#353841; --sl-color-gray-3:#545861;
  --sl-color-gray-4:#888b96; --sl-color-gray-5:#c0c2c7; --sl-color-gray-6:#eceef2; --sl-color-gray-7:#f5f6f8;
  --sl-color-black:#fff; --sl-color-bg:#fff; --sl-color-bg-nav:#f5f6f8; --sl-color-text:#23262f;
  --sl-color-accent-low:#dee0fb; --sl-color-accent:#4f58e0; --sl-color-accent-high:#1e2280; --sl-color-text-accent:#3b46c4;
  --sl-color-green-high:#0b5a27; --sl-color-orange-high:#6b3300; --sl-color-red-high:#7a1212; color-scheme: light; }
:root[data-theme='dark'] { --sl-color-white:#fff; --sl-color-gray-1:#eceef2; --sl-color-gray-2:#c0c2c7; --sl-color-gray-3:#888b96;
  --sl-color-gray-4:#545861; --sl-color-gray-5:#353841; --sl-color-gray-6:#24272f; --sl-color-black:#17181c;
  --sl-color-bg:#17181c; --sl-color-bg-nav:#24272f; --sl-color-text:#c0c2c7; --sl-color-accent-low:#171b53;
  --sl-color-accent:#5d68e8; --sl-color-accent-high:#c4c8f7; --sl-color-text-accent:#c4c8f7;
  --sl-color-green-high:#a8f0c0; --sl-color-orange-high:#fecba1; --sl-color-red-high:#ffc6c6; color-scheme: dark; }
body { margin: 0; padding: 1rem; background: var(--sl-color-bg); color: var(--sl-color-text); font-family: system-ui, sans-serif; }
*, *::before, *::after { box-sizing: border-box; }
main { max-width: 72rem; margin: 0 auto; }
`;

export interface RuntimePageServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts `/` (the bare page, exposing `window.SandboxRuntime.{SandboxRunner, TraceView}` and an
 * empty `#trace` region), `/runner.html` and `/transpiler.js`.
 */
export async function startRuntimePage(
  /** Further documents to serve, by path (for example a hostile stand-in for the runner). */
  extra: Record<string, string> = {},
): Promise<RuntimePageServer> {
  const [runner, transpiler] = await Promise.all([buildRunner(), buildTranspiler()]);
  const bundle = await build({
    stdin: {
      contents: `export { SandboxRunner } from './src/sandbox/runtime/runner-client.ts';
export { TraceView } from './src/sandbox/ui/trace-view.ts';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'SandboxRuntime',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  // The traffic view's styles, in the order the site's components import them.
  const parts = ['trace-view', 'trace-panes', 'trace-list', 'trace-diagram', 'trace-waterfall'];
  const css = (
    await Promise.all(parts.map((part) => readFile(`${root}src/sandbox/ui/${part}.css`, 'utf8')))
  ).join('\n');
  // esbuild (through vitest) names functions passed to page.evaluate with __name; define it here.
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>runtime test</title><script>window.__name = (f) => f;</script><style>${THEME}${css}</style></head><body><main><h1>Runtime test</h1><section role="region" aria-label="Network trace"><h3>Network trace</h3><div id="trace"></div></section></main><script>${bundle.outputFiles[0]?.text ?? ''}</script></body></html>`;
  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith('/transpiler.js')) {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      return void response.end(transpiler.js);
    }
    const path = request.url?.split(/[?#]/)[0] ?? '/';
    const body = extra[path] ?? (path === '/runner.html' ? runner.html : page);
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

export interface SandboxFolder {
  manifest: Required<SandboxManifest>;
  files: Record<string, string>;
}

/** Reads a sandbox folder (manifest + .ts files) into the shape the runner takes. */
export async function readSandboxFolder(
  dir: string,
  id = dir.split('/').at(-1) ?? 'sandbox',
): Promise<SandboxFolder> {
  const manifest = parseManifest(JSON.parse(await readFile(join(dir, 'sandbox.json'), 'utf8')), id);
  const files: Record<string, string> = {};
  for (const name of await readdir(dir)) {
    if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
      files[name] = await readFile(join(dir, name), 'utf8');
    }
  }
  return { manifest, files };
}

/** A one-host, one-client sandbox from inline sources, for runtime tests. */
export function inlineSandbox(server: string, client: string): SandboxFolder {
  return {
    manifest: {
      title: 'inline',
      hosts: { server: 'server.ts' },
      clients: { client: 'client.ts' },
      target: 'server',
      files: ['client.ts', 'server.ts'],
      params: {},
      faults: [],
      connectionLimit: 0,
      lanes: [],
    },
    files: { 'server.ts': server, 'client.ts': client },
  };
}

export interface PageRun {
  /** "finished ok=true", or "killed: <reason>". */
  end: string;
  /** Console lines as "<host> <level>: <text>". */
  lines: string[];
  trace: TraceEvent[];
}

/** Runs a sandbox through the real runner in a page opened on {@link startRuntimePage}. */
export function runInRuntimePage(page: Page, sandbox: SandboxFolder): Promise<PageRun> {
  return page.evaluate(async ({ manifest, files }) => {
    interface Runtime {
      SandboxRunner: { connect(url: URL): Promise<{ run(...args: unknown[]): unknown }> };
    }
    const runtime = (window as unknown as { SandboxRuntime: Runtime }).SandboxRuntime;
    const runner = await runtime.SandboxRunner.connect(new URL('/runner.html', location.href));
    // Runs here carry no build-compiled code, so every file goes through the in-page transpiler.
    const transpiler = await (await fetch('/transpiler.js')).text();
    const lines: string[] = [];
    const trace: TraceEvent[] = [];
    const end = await new Promise<string>((done) => {
      runner.run(
        manifest,
        files,
        { latencyMs: 0, params: {} },
        {
          onConsole: (entries: ConsoleEntry[]) =>
            lines.push(...entries.map((entry) => `${entry.host} ${entry.level}: ${entry.text}`)),
          onTrace: (events: TraceEvent[]) => trace.push(...events),
          onFinished: (ok: boolean) => done(`finished ok=${ok}`),
          onKilled: (reason: string) => done(`killed: ${reason}`),
        },
        { transpiler },
      );
    });
    return { end, lines, trace };
  }, sandbox);
}
