import { describe, expect, test } from 'vitest';
import { splitExpressiveCodeAssets } from './deferred-code';

describe('splitExpressiveCodeAssets', () => {
  test("takes the page's stylesheet and script off the first block and keeps the code", () => {
    const html =
      '<div class="expressive-code"><link rel="stylesheet" href="/_astro/ec.css">' +
      '<script type="module" src="/_astro/ec.js"></script><figure><pre>x</pre></figure></div>';
    expect(splitExpressiveCodeAssets(html)).toEqual({
      assets:
        '<link rel="stylesheet" href="/_astro/ec.css"><script type="module" src="/_astro/ec.js"></script>',
      code: '<div class="expressive-code"><figure><pre>x</pre></figure></div>',
    });
  });

  test('a later block has no assets and comes back unchanged', () => {
    const html = '<div class="expressive-code"><figure><pre>&lt;script&gt;</pre></figure></div>';
    expect(splitExpressiveCodeAssets(html)).toEqual({ assets: '', code: html });
  });
});
