/**
 * Build-time helpers for the highlighted code of sandbox files whose tab is not selected at load.
 * The chapter page carries a small placeholder for each; `sandbox-code/<id>.json` carries the code,
 * fetched on first use (decisions/0060).
 */

/** The props every sandbox file is highlighted with, in the page and in `sandbox-code/<id>.json`. */
export const SANDBOX_CODE_PROPS = { lang: 'ts', showLineNumbers: true } as const;

/** One file in `sandbox-code/<id>.json`. */
export interface DeferredFile {
  /** The hash of the source (as in the page's sandbox data), so code from another build is refused. */
  hash: string;
  /** Expressive Code's HTML for the file, without the page-level stylesheet and script. */
  html: string;
}

/**
 * Expressive Code opens the first code block it renders on a page with its stylesheet and script
 * (`<link rel="stylesheet">`, `<script type="module">`). Splits those off the block, so a page can
 * keep them while leaving the block itself out.
 */
export function splitExpressiveCodeAssets(html: string): { assets: string; code: string } {
  const match = /^(<div class="expressive-code">)((?:<link [^>]*>|<script [^>]*><\/script>)*)/.exec(
    html,
  );
  if (!match) return { assets: '', code: html };
  const [whole, open = '', assets = ''] = match;
  return { assets, code: open + html.slice(whole.length) };
}
