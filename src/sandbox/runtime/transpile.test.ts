import { describe, expect, it } from 'vitest';
import { originalPosition, SandboxSyntaxError } from './source-positions';
import { compileFile } from './transpile';

describe('compileFile', () => {
  it('keeps line numbers and maps columns back to the TypeScript', () => {
    const source = [
      "import { helper } from './helper.ts';",
      'export default async function main(server: URL): Promise<void> {',
      "  const count: number = helper(); throw new Error('boom');",
      '}',
    ].join('\n');
    const compiled = compileFile('client.ts', source);
    const generatedLine = compiled.code.split('\n')[2] ?? '';
    const column = generatedLine.indexOf('throw') + 1;
    const throwColumn = (source.split('\n')[2] ?? '').indexOf('throw') + 1;
    expect(column).not.toBe(throwColumn);
    expect(originalPosition(compiled, 3, column)).toEqual({
      line: 3,
      column: throwColumn,
    });
    expect(compiled.code).toContain("require('./helper.ts')");
  });

  it('reports syntax errors with the 1-based line and column of the source', () => {
    const attempt = () => compileFile('server.ts', 'const a = 1;\nconst b = );\n');
    expect(attempt).toThrow(SandboxSyntaxError);
    try {
      attempt();
    } catch (error) {
      const syntax = error as SandboxSyntaxError;
      expect([syntax.line, syntax.column]).toEqual([2, 11]);
      expect(syntax.message).toMatch(/^server\.ts:2:11 SyntaxError: Unexpected token/);
    }
  });
});
