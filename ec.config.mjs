// @ts-check
import { defineEcConfig } from '@astrojs/starlight/expressive-code';
import { pluginLineNumbers } from '@expressive-code/plugin-line-numbers';

export default defineEcConfig({
  plugins: [pluginLineNumbers()],
  // Wrapped code never scrolls sideways, so no code block becomes an unnamed scroll region (axe
  // landmark-unique). Sandbox code shows line numbers (errors cite `client.ts:17:5`); prose does not.
  defaultProps: { wrap: true, showLineNumbers: false },
  // The theme's default line-number grey is below 4.5:1 contrast on the code background (axe).
  styleOverrides: {
    lineNumbers: {
      foreground: ({ theme }) => (theme.type === 'dark' ? '#a3adb8' : '#5d6376'),
    },
  },
});
