import { transform } from 'sucrase';
import { SandboxSyntaxError, toCompiledFile, type CompiledFile } from './source-positions';

/** How a sucrase compile failed, in the TypeScript's own 1-based position. */
export interface CompileFailure {
  file: string;
  line: number;
  column: number;
  message: string;
}

/**
 * Strips TypeScript and turns `import`/`export` into `require`/`exports`, keeping line numbers.
 * Returns the code and the source map's `mappings`, or where and why it could not compile.
 *
 * @example
 * const result = transpile('client.ts', 'export default async function main(server: URL) {}');
 */
export function transpile(
  file: string,
  source: string,
): { ok: true; code: string; mappings: string } | ({ ok: false } & CompileFailure) {
  try {
    const result = transform(source, {
      transforms: ['typescript', 'imports'],
      filePath: file,
      sourceMapOptions: { compiledFilename: file.replace(/\.ts$/, '.js') },
    });
    return { ok: true, code: result.code, mappings: result.sourceMap?.mappings ?? '' };
  } catch (error) {
    const { message, loc } = error as { message: string; loc?: { line: number; column: number } };
    const clean = message.replace(/^Error transforming [^:]*: /, '').replace(/\s*\(\d+:\d+\)$/, '');
    // Sucrase's loc.column is already 1-based.
    return { ok: false, file, line: loc?.line ?? 1, column: loc?.column ?? 1, message: clean };
  }
}

/** {@link transpile} for callers that want a {@link CompiledFile} or a thrown error. */
export function compileFile(file: string, source: string): CompiledFile {
  const result = transpile(file, source);
  if (!result.ok) throw new SandboxSyntaxError(file, result.line, result.column, result.message);
  return toCompiledFile(file, result.code, result.mappings);
}
