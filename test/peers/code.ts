/**
 * What a sandbox's host code handles, read from its source: the paths it names and the request
 * headers it reads, in each host's file and the sandbox files that file imports. The trace shows
 * only what the demo used; this finds the rest (a route only curl would call, a header only an
 * attacker would garble), so a new route or header is probed without editing a list.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Aim } from './hostile.ts';
import type { Route } from './routes.ts';

export interface CodeRoutes {
  /** Host → the paths (with any query) its code names in string literals, such as '/drain'. */
  paths: Record<string, string[]>;
  /** Host → the header names its code reads with headers.get('…'). */
  headers: Record<string, string[]>;
}

/**
 * Reads each host's module (`hosts` as in sandbox.json: name → file) and its relative imports.
 *
 * @example
 * routesInCode('sandboxes/stateful-stateless.drain', { 'app-1': 'app-1.ts' }).paths['app-1'];
 * // ['/drain', '/ready', '/work']
 */
export function routesInCode(dir: string, hosts: Record<string, string>): CodeRoutes {
  const paths: Record<string, string[]> = {};
  const headers: Record<string, string[]> = {};
  for (const [host, file] of Object.entries(hosts)) {
    const source = sourcesFrom(join(dir, file)).join('\n');
    paths[host] = unique(source, /'(\/[\w.~/-]*(?:\?[\w.~=&-]*)?)'/g);
    headers[host] = unique(source, /headers\.get\('([\w-]+)'\)/g);
  }
  return { paths, headers };
}

/** The file's text and that of every sandbox file it imports, each once. */
function sourcesFrom(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const imports = [...text.matchAll(/from '(\.\/[\w.-]+\.ts)'/g)].map((match) =>
    join(dirname(file), match[1] ?? ''),
  );
  return [text, ...imports.flatMap((imported) => sourcesFrom(imported, seen))];
}

function unique(source: string, pattern: RegExp): string[] {
  return [...new Set([...source.matchAll(pattern)].map((match) => match[1] ?? ''))].sort();
}

/**
 * Where to aim hostile requests: every route of the demo's trace as it was called, the routes a
 * peers.ts adds, and every path of either or named in a host's code by GET and by POST as well.
 * Paths that differ only in their numbers (/jobs/1, /jobs/2) are one route, aimed at once.
 */
export function aimsOf(
  traced: Route[],
  code: CodeRoutes,
  extra: Array<Pick<Route, 'host' | 'method' | 'target'>> = [],
): Aim[] {
  const named = Object.entries(code.paths).flatMap(([host, paths]) =>
    paths.map((target) => ({ host, target })),
  );
  const shape = (aim: Pick<Aim, 'host' | 'method' | 'target'>) =>
    `${aim.host} ${aim.method} ${aim.target.split('?')[0]?.replace(/\d+/g, 'N')}`;
  const aims = new Map<string, Aim>();
  const add = (aim: Aim) => {
    if (!aims.has(shape(aim))) aims.set(shape(aim), aim);
  };
  [...traced, ...extra].forEach(add);
  for (const { host, target } of [...aims.values(), ...named]) {
    for (const method of ['GET', 'POST']) add({ host, method, target });
  }
  return [...aims.values()];
}
