// @ts-check
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import starlightLinksValidator from 'starlight-links-validator';
import { sandboxRunner } from './scripts/sandbox-runner.mjs';

// Deploy targets differ: GitHub Pages serves under /<repo>/, most hosts at the root.
const base = process.env.SITE_BASE ?? '/';
const site = process.env.SITE_URL ?? 'https://backend-patterns.example.org';
/**
 * Content-Security-Policy of every docs page, as a <meta> tag so any static host serves it
 * (decisions/0027). No 'unsafe-eval': reader code is evaluated only inside the runner frame, which
 * has its own policy. Inline scripts and styles are Starlight's and Expressive Code's; WebAssembly
 * is Pagefind's search; the only form goes to StackBlitz.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  'form-action https://stackblitz.com',
].join('; ');
/**
 * No `<link rel="modulepreload">` for lazily loaded chunks: Chromium restyles and lays out the whole
 * page for each `<link>` inserted (2,025 layout objects on a chapter, ~35 ms), and Vite's preload
 * helper inserts them at the click on Run, at idle for search, and for each later import. Astro
 * sets the client build's option itself, so only `configEnvironment` reaches it. The imports that
 * matter load their chunks side by side by hand instead (`sandbox-element.ts`, decisions/0075).
 */
const noModulePreloadLinks = {
  name: 'no-modulepreload-links',
  /** @param {string} name */
  configEnvironment(name) {
    return name === 'client' ? { build: { modulePreload: false } } : undefined;
  },
};
const repository =
  process.env.REPOSITORY_URL ??
  'https://github.com/backend-patterns/backend-communication-patterns';

export default defineConfig({
  site,
  base,
  // Trailing slashes everywhere keep relative links in chapters stable under any base.
  trailingSlash: 'always',
  vite: {
    plugins: [noModulePreloadLinks],
    resolve: {
      // Starlight's search imports Pagefind's UI at idle on every page; this builds it on intent.
      alias: [
        {
          find: /^@pagefind\/default-ui$/,
          replacement: fileURLToPath(
            new URL('./src/components/pagefind-ui-on-intent.ts', import.meta.url),
          ),
        },
      ],
    },
  },
  integrations: [
    sandboxRunner(),
    starlight({
      title: 'Backend Communication Patterns',
      description:
        'An interactive field guide for backend engineers: run each pattern and watch every message cross the network.',
      logo: { src: './src/assets/logo.svg', replacesTitle: false },
      favicon: '/favicon.svg',
      head: [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: DOCS_CSP } },
      ],
      editLink: { baseUrl: `${repository}/edit/main/` },
      social: [{ icon: 'github', label: 'Source on GitHub', href: repository }],
      customCss: ['./src/styles/custom.css'],
      // Expressive Code options live in ec.config.mjs (the <Code> component needs them there).
      lastUpdated: false,
      components: {
        // Starlight's search button is named "Search" but also shows "Ctrl K" (axe label-content-name-mismatch).
        Search: './src/components/Search.astro',
        // Adds "Skip to the sandbox" beside "Skip to content" on pages with a sandbox.
        SkipLink: './src/components/SkipLink.astro',
        // Appends each chapter's "Related patterns" from its frontmatter.
        MarkdownContent: './src/components/MarkdownContent.astro',
        // Shows solved exercises beside each chapter ("2/3").
        Sidebar: './src/components/Sidebar.astro',
      },
      // The links validator fails the production build on any broken internal link or anchor.
      plugins: [starlightLinksValidator({ errorOnRelativeLinks: false })],
      sidebar: [
        { label: 'Introduction', link: '/' },
        {
          label: 'Patterns',
          items: [
            'patterns/request-response',
            'patterns/sync-async',
            'patterns/push',
            'patterns/short-polling',
            'patterns/long-polling',
            'patterns/server-sent-events',
            'patterns/pub-sub',
            'patterns/multiplexing',
            'patterns/stateful-stateless',
            'patterns/sidecar',
          ],
        },
        { label: 'Comparing delivery patterns', link: '/comparison/' },
        { label: 'Trace viewer', link: '/trace-viewer/' },
        { label: 'Contributing', items: ['contributing/adding-a-chapter'] },
      ],
    }),
  ],
});
