import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { createGzip } from 'node:zlib';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** A started static server; `close()` stops it. */
export interface StaticServer {
  /** Absolute URL of the site root, ending in the base path, e.g. `http://127.0.0.1:4321/bcp/`. */
  url: string;
  close: () => Promise<void>;
}

async function fileAt(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (info.isFile()) return path;
    if (info.isDirectory()) return fileAt(join(path, 'index.html'));
  } catch {
    // Missing file: the caller answers 404.
  }
  return undefined;
}

/**
 * Serves a built site folder the way a plain static host does (GitHub Pages, S3): only under
 * `base`, `index.html` for folders, a redirect to add a folder's trailing slash, `404.html` for
 * anything else, and no special headers. Anything outside `base` is a 404, so a link that forgot
 * the base fails the e2e run. With `gzip`, it compresses for clients that accept it, as real hosts do.
 *
 * @example
 * const server = await startStaticServer('dist', '/bcp/');
 * await fetch(server.url); // http://127.0.0.1:<port>/bcp/
 * await server.close();
 */
export async function startStaticServer(
  root: string,
  base: string,
  options: { gzip?: boolean } = {},
): Promise<StaticServer> {
  const notFound = await fileAt(join(root, '404.html'));
  const server: Server = createServer((request, response) => {
    void (async () => {
      const { pathname } = new URL(request.url ?? '/', 'http://localhost');
      let file: string | undefined;
      if (pathname.startsWith(base)) {
        const relative = normalize(decodeURIComponent(pathname.slice(base.length)));
        if (!relative.startsWith('..') && !relative.includes(`${sep}..`)) {
          const candidate = join(root, relative);
          file = await fileAt(candidate);
          if (file && !pathname.endsWith('/') && file.endsWith(`${sep}index.html`)) {
            const folder = await stat(candidate).then((s) => s.isDirectory());
            if (folder) {
              response.writeHead(301, { location: `${pathname}/` }).end();
              return;
            }
          }
        }
      }
      const status = file ? 200 : 404;
      const body = file ?? notFound;
      if (!body) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      // Hosts such as GitHub Pages compress; the bench asks for it so Lighthouse sees real transfer sizes.
      const gzip =
        options.gzip === true && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
      response.writeHead(status, {
        'content-type': contentTypes[extname(body)] ?? 'application/octet-stream',
        ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}),
      });
      if (request.method === 'HEAD') response.end();
      else if (gzip) createReadStream(body).pipe(createGzip()).pipe(response);
      else createReadStream(body).pipe(response);
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server has no port');
  return {
    url: `http://127.0.0.1:${address.port}${base}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
