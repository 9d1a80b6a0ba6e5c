// @ts-check
import { defineConfig } from 'eslint/config';
import astro from 'eslint-plugin-astro';
import * as mdx from 'eslint-plugin-mdx';
import tseslint from 'typescript-eslint';

// mdx's flat preset turns off a React rule; no React plugin is loaded, so ESLint would reject it.
const mdxRules = Object.fromEntries(
  Object.entries(mdx.flat.rules ?? {}).filter(([rule]) => !rule.startsWith('react/')),
);

export default defineConfig(
  { ignores: ['dist/', '.astro/', '.tmp/', 'node_modules/', 'coverage/', 'package-lock.json'] },
  // Strict TypeScript rules for code, including plain-JS configs and build scripts.
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    extends: [tseslint.configs.strict],
    rules: {
      // A leading underscore marks a deliberately unused binding, as TypeScript itself allows.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  // .astro components: the plugin's recommended rules; frontmatter and scripts parse as TypeScript.
  astro.configs.recommended,
  // .mdx pages: parse MDX (invalid JSX or ESM fails lint) and report remark-lint findings as errors.
  { ...mdx.flat, rules: { ...mdxRules, 'mdx/remark': 'error' } },
  // What code may import follows where it runs (decisions/0010): neutral code (the contract, the
  // trace library, HTTP helpers) imports no environment, and the page's runtime and UI never import
  // the Node wiring or Node modules. Tests run in Node and may.
  {
    files: ['src/sandbox/{contract,trace,http}/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Neutral code also runs in the page: no Node modules.' },
            {
              group: ['**/runtime/**', '**/node/**', '**/ui/**', '**/export/**'],
              message: 'Neutral code imports no environment (runtime, node, ui, export).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/sandbox/{runtime,ui}/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The runtime and the UI run in the browser.' },
            {
              group: ['**/node/**'],
              message: 'The page never imports the Node wiring (src/sandbox/node/).',
            },
          ],
        },
      ],
    },
  },
  // Sandbox tests and exercises reach shared code by name (package.json "imports"), not by path.
  {
    files: ['sandboxes/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**'],
              message: 'Import #harness, #exercise, #contract or #trace/<module> instead.',
            },
          ],
        },
      ],
    },
  },
  // Sized so a maintainer can read them (issue 9): no sandbox source file over 400 lines, counted as
  // `wc -l` counts them, and no function over 80 lines of code (blank lines and comments aside).
  // Tests keep the file limit; their describe and it callbacks may run longer.
  {
    files: ['src/sandbox/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': [
        'error',
        { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
  { files: ['src/sandbox/**/*.test.ts'], rules: { 'max-lines-per-function': 'off' } },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
);
