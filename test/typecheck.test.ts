// The per-environment type checks (`npm run typecheck`, tsconfig.environments.json) reject what a
// place does not have: these compile small files with the real configs through the TypeScript API
// and expect the compiler to refuse a sandbox host that touches the DOM or Node. Every exercise
// solution is also checked as it runs: its files laid over its sandbox's folder.
import { globSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const libFiles = new Map<string, ts.SourceFile | undefined>();

/**
 * Type-checks `rootNames` with the options of the tsconfig at `config` (relative to the repository),
 * reading `overlay` (absolute path → text) instead of the disk, and returns the error messages as
 * `file:line message` with paths relative to the repository.
 */
function typeErrors(
  config: string,
  rootNames: string[],
  overlay: Record<string, string> = {},
): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, config), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`cannot read ${config}`);
  const host = ts.createCompilerHost(parsed.options);
  const readSource = host.getSourceFile.bind(host);
  host.fileExists = (file) => file in overlay || ts.sys.fileExists(file);
  host.readFile = (file) => overlay[file] ?? ts.sys.readFile(file);
  host.getSourceFile = (file, language) => {
    const text = overlay[file];
    if (text !== undefined) return ts.createSourceFile(file, text, language);
    // The standard library and @types are the same for every program here: parse them once.
    if (!file.includes('node_modules')) return readSource(file, language);
    if (!libFiles.has(file)) libFiles.set(file, readSource(file, language));
    return libFiles.get(file);
  };
  const declarations = parsed.fileNames.filter((file) => file.endsWith('.d.ts'));
  const program = ts.createProgram({
    rootNames: [...declarations, ...rootNames],
    options: parsed.options,
    host,
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (!diagnostic.file) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return `${diagnostic.file.fileName.slice(root.length + 1)}:${line + 1} ${message}`;
  });
}

/** A host file with `body` as the first statement of its fetch handler. */
const hostUsing = (body: string, imports = '') => `${imports}
export default {
  fetch(request: Request, env: SandboxEnv): Response {
    ${body}
    return Response.json({ path: new URL(request.url).pathname, hosts: Object.keys(env.hosts) });
  },
};
`;

describe('sandboxes/tsconfig.json: hosts and clients use web standards only', () => {
  const file = join(root, 'sandboxes/typecheck-probe/server.ts');
  const check = (text: string) => typeErrors('sandboxes/tsconfig.json', [file], { [file]: text });

  it('accepts a host that uses fetch, Request, Response, URL, crypto and timers', () => {
    const body = 'void crypto.randomUUID(); setTimeout(() => {}, 1);';
    expect(check(hostUsing(body))).toEqual([]);
  });

  it.each([
    ['document', "document.title = 'hi';", '', "Cannot find name 'document'"],
    ['window', 'window.alert(1);', '', "Cannot find name 'window'"],
    ['node:fs', 'void readFileSync;', "import { readFileSync } from 'node:fs';", "'node:fs'"],
    ['process', 'void process.env.HOME;', '', "Cannot find name 'process'"],
  ])('rejects a host that uses %s', (_name, body, imports, error) => {
    const errors = check(hostUsing(body, imports));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('sandboxes/typecheck-probe/server.ts');
    expect(errors[0]).toContain(error);
  });
});

describe.each([
  ['src/sandbox/runtime/tsconfig.worker.json', 'src/sandbox/runtime/probe-worker.ts'],
  ['src/sandbox/tsconfig.neutral.json', 'src/sandbox/trace/probe-neutral.ts'],
])('%s has no DOM', (config, probe) => {
  it('rejects code that touches document', () => {
    const file = join(root, probe);
    const text = 'export const title = (): string => document.title;\n';
    const errors = typeErrors(config, [file], { [file]: text });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`${probe}:1 Cannot find name 'document'`);
  });
});

// A solution folder holds only the files an exercise changes; it runs laid over its sandbox.
const solutions = globSync('sandboxes/*/solutions/*', { cwd: root }).sort();

describe.each(solutions)('%s', (solution) => {
  it('type-checks over its sandbox with the sandboxes config', () => {
    const sandbox = join(root, dirname(dirname(solution)));
    const overlay: Record<string, string> = {};
    for (const file of globSync('*.ts', { cwd: join(root, solution) })) {
      overlay[join(sandbox, file)] = readFileSync(join(root, solution, file), 'utf8');
    }
    const own = globSync('*.ts', { cwd: sandbox, exclude: ['*.test.ts', 'exercises.ts'] });
    const files = new Set([...own.map((file) => join(sandbox, file)), ...Object.keys(overlay)]);
    expect(typeErrors('sandboxes/tsconfig.json', [...files], overlay)).toEqual([]);
  });
});
