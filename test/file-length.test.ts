/**
 * Every file under src/ (code, styles and chapters alike) stays short enough to read through:
 * at most 400 lines, as `wc -l` counts them. ESLint's `max-lines` covers only src/sandbox/; this
 * covers the rest, chapters included (a long chapter moves blocks into partials, decisions/0072).
 */
import { execFileSync } from 'node:child_process';
import { globSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';

const MAX_LINES = 400;
const root = resolve(import.meta.dirname, '..');

/** Files under src/ that git tracks or would track (new, not ignored); every file outside a checkout. */
function filesUnderSrc(): string[] {
  try {
    const listed = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', 'src'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return [...new Set(listed.split('\0').filter((file) => file !== ''))];
  } catch {
    // Not a git checkout (an unpacked release, say): every file under src/.
    return globSync('src/**/*', { cwd: root, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => resolve(entry.parentPath, entry.name).slice(root.length + 1));
  }
}

/** Newlines, as `wc -l` counts; binary files (a NUL byte) have no lines to read. */
function lineCount(file: string): number {
  const text = readFileSync(resolve(root, file), 'utf8');
  return text.includes('\0') ? 0 : text.split('\n').length - 1;
}

test(`no file under src/ is over ${MAX_LINES} lines`, () => {
  const files = filesUnderSrc();
  expect(files.length, 'files found under src/').toBeGreaterThan(50);
  const over = files
    .map((file) => ({ file, lines: lineCount(file) }))
    .filter(({ lines }) => lines > MAX_LINES)
    .map(({ file, lines }) => `${file}: ${lines} lines`);
  expect(over, 'split these by concern (a chapter: into partials, see CONTRIBUTING.md)').toEqual(
    [],
  );
});
