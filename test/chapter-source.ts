/**
 * A page's MDX as the reader gets it: a chapter over 400 lines keeps some blocks in partials beside
 * it (`patterns/_<id>.<part>.mdx`, imported and placed as `<Part />`, decisions/0072), so checks that
 * read a chapter's text read it with each partial put in place of its tag.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** `import Name from './_….mdx';` lines: the partials a page imports, by component name. */
const PARTIAL_IMPORT = /^import\s+([A-Z]\w*)\s+from\s+['"](\.\/_[^'"]+\.mdx)['"];?\s*$/gm;

/** Fenced code blocks (``` or ~~~): an example of an import there imports nothing. */
const CODE_FENCE = /^(```|~~~)[\s\S]*?^\1\s*$/gm;

/** The partials `source` (the text of `file`) imports: component name and absolute path. */
export function partialsOf(source: string, file: string): { name: string; path: string }[] {
  return [...source.replace(CODE_FENCE, '').matchAll(PARTIAL_IMPORT)].map(
    ([, name = '', from = '']) => ({
      name,
      path: resolve(dirname(file), from),
    }),
  );
}

/** `source` (the text of `file`) with every imported partial's text in place of its `<Name />` line. */
export function withPartials(source: string, file: string): string {
  return partialsOf(source, file).reduce((text, { name, path }) => {
    const partial = withPartials(readFileSync(path, 'utf8'), path);
    return text.replace(new RegExp(`^<${name}\\s*/>\\s*$`, 'gm'), () => partial);
  }, source);
}

/** Whether `file` is a partial (a leading `_`: Starlight's docs loader makes no page of it). */
export function isPartial(file: string): boolean {
  return basename(file).startsWith('_');
}
