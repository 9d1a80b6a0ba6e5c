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
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
);
