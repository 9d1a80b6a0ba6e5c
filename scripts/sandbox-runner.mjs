// Builds the sandbox runner: one self-contained HTML file (frame script + worker source inlined), so it
// loads in an opaque-origin iframe from any static host without CORS. Also an Astro integration that
// serves it in dev and writes it into the build.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const runtimeDir = fileURLToPath(new URL('../src/sandbox/runtime/', import.meta.url));

/** Content-Security-Policy of the runner: no network at all, eval only for the reader's compiled code. */
export const RUNNER_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'unsafe-eval'",
  'worker-src data:',
  "connect-src 'none'",
  "style-src 'unsafe-inline'",
].join('; ');

async function bundle(entry) {
  const result = await build({
    entryPoints: [runtimeDir + entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** Text safe to place inside an inline <script>: no closing tag, no comment opener. */
const inlineSafe = (text) => text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

/**
 * @returns {Promise<{ html: string, hash: string, fileName: string }>}
 * @example const { html, fileName } = await buildRunner(); // fileName: "runner-1a2b3c4d.html"
 */
export async function buildRunner() {
  const [worker, frame] = await Promise.all([bundle('worker-main.ts'), bundle('frame-main.ts')]);
  const html = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${RUNNER_CSP}">`,
    '<title>Sandbox runner</title></head><body>',
    // One binding for the large string, so the bundler never pastes it twice. The worker runtime is
    // a function of the private port the frame hands it (see frame-main.ts).
    `<script>var SANDBOX_WORKER_SOURCE=${inlineSafe(JSON.stringify(`function(BCP_PORT){${worker}}`))};</script>`,
    `<script>${inlineSafe(frame)}</script>`,
    '</body></html>',
  ].join('');
  const hash = createHash('sha256').update(html).digest('hex').slice(0, 10);
  return { html, hash, fileName: `runner-${hash}.html` };
}

/**
 * The in-page transpiler as its own script: the page fetches it only for a Run with edited files.
 * @returns {Promise<{ js: string, fileName: string }>}
 */
export async function buildTranspiler() {
  const js = await bundle('transpiler-main.ts');
  const hash = createHash('sha256').update(js).digest('hex').slice(0, 10);
  return { js, fileName: `transpiler-${hash}.js` };
}

/** Astro integration: `_sandbox/runner-<hash>.html` in dev and in `dist/`; the page learns the name at build time. */
export function sandboxRunner() {
  let current;
  let transpiler;
  return {
    name: 'sandbox-runner',
    hooks: {
      'astro:config:setup': async ({ updateConfig, command }) => {
        [current, transpiler] = await Promise.all([buildRunner(), buildTranspiler()]);
        updateConfig({
          vite: {
            define: {
              __SANDBOX_RUNNER_FILE__: JSON.stringify(`_sandbox/${current.fileName}`),
              __SANDBOX_TRANSPILER_FILE__: JSON.stringify(`_sandbox/${transpiler.fileName}`),
            },
          },
        });
        if (command === 'dev') {
          // Rebuild on each request in dev so runtime edits show up without restarting.
          updateConfig({
            vite: {
              plugins: [
                {
                  name: 'sandbox-runner-dev',
                  configureServer(server) {
                    server.middlewares.use(async (req, res, next) => {
                      if (req.url?.includes('/_sandbox/transpiler-')) {
                        res.setHeader('content-type', 'text/javascript; charset=utf-8');
                        return res.end((await buildTranspiler()).js);
                      }
                      if (!req.url?.includes('/_sandbox/runner-')) return next();
                      const fresh = await buildRunner();
                      res.setHeader('content-type', 'text/html; charset=utf-8');
                      res.end(fresh.html);
                    });
                  },
                },
              ],
            },
          });
        }
      },
      'astro:build:done': async ({ dir }) => {
        const folder = new URL('_sandbox/', dir);
        await mkdir(folder, { recursive: true });
        await writeFile(new URL(current.fileName, folder), current.html);
        await writeFile(new URL(transpiler.fileName, folder), transpiler.js);
      },
    },
  };
}
