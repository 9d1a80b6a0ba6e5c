/**
 * Compiled sandbox files and the way back from a position in the JavaScript that runs to the line and
 * column of the TypeScript the reader sees. Free of the transpiler, so a Run of unedited code, which
 * uses what the build compiled, never loads it.
 */

/** What the build or the in-page transpiler produces for one file: code plus a source map's `mappings`. */
export interface PrecompiledFile {
  /** sha-256 prefix of the TypeScript source it came from (as the page's `hashes`). */
  hash: string;
  code: string;
  mappings: string;
}

/** A sandbox file compiled to a CommonJS function body, plus what is needed to map positions back. */
export interface CompiledFile {
  file: string;
  code: string;
  /** generated line (0-based) → sorted list of [generatedColumn, originalLine, originalColumn] (0-based). */
  lines: Array<Array<[number, number, number]>>;
}

/** A syntax error in a reader's file, with the 1-based position in the TypeScript they see. */
export class SandboxSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(`${file}:${line}:${column} SyntaxError: ${message}`);
    this.name = 'SandboxSyntaxError';
  }
}

/** Turns compiled code and its `mappings` into a {@link CompiledFile}. */
export function toCompiledFile(file: string, code: string, mappings: string): CompiledFile {
  let lines: CompiledFile['lines'] | undefined;
  // Decoded when an error needs a position, not before the run starts.
  return {
    file,
    code,
    get lines() {
      lines ??= decodeMappings(mappings);
      return lines;
    },
  };
}

/** Maps a 1-based generated position to the 1-based position in the original TypeScript. */
export function originalPosition(
  compiled: CompiledFile,
  line: number,
  column: number,
): { line: number; column: number } {
  const segments = compiled.lines[line - 1];
  let best = segments?.[0];
  if (!segments || !best) return { line, column };
  for (const segment of segments) {
    if (segment[0] <= column - 1) best = segment;
    else break;
  }
  return { line: best[1] + 1, column: best[2] + 1 + (column - 1 - best[0]) };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeMappings(mappings: string): CompiledFile['lines'] {
  const lines: CompiledFile['lines'] = [];
  let originalLine = 0;
  let originalColumn = 0;
  for (const lineText of mappings.split(';')) {
    const segments: Array<[number, number, number]> = [];
    let generatedColumn = 0;
    for (const segmentText of lineText.split(',')) {
      if (!segmentText) continue;
      const values = decodeVlq(segmentText);
      generatedColumn += values[0] ?? 0;
      if (values.length >= 4) {
        originalLine += values[2] ?? 0;
        originalColumn += values[3] ?? 0;
        segments.push([generatedColumn, originalLine, originalColumn]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
