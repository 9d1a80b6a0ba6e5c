import type { SandboxManifest } from './types';

const NAME = /^[a-z][a-z0-9-]*$/;
const FILE = /^[a-z0-9][a-z0-9.-]*\.ts$/;

/**
 * Checks a parsed `sandbox.json` and fills in defaults. Throws an Error that says what was expected
 * and what arrived, naming the sandbox.
 *
 * @example
 * parseManifest({ title: 'Echo', hosts: { server: 'server.ts' }, clients: { client: 'client.ts' } }, 'echo')
 */
export function parseManifest(raw: unknown, id: string): Required<SandboxManifest> {
  const fail = (what: string): never => {
    throw new Error(`sandboxes/${id}/sandbox.json: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('expected a JSON object');
  const value = raw as Record<string, unknown>;
  if (typeof value.title !== 'string' || value.title.trim() === '') {
    fail('expected "title" to be a non-empty string');
  }
  const hosts = fileMap(value.hosts, '"hosts"', fail);
  const clients = fileMap(value.clients, '"clients"', fail);
  const hostNames = Object.keys(hosts);
  if (hostNames.length === 0) fail('expected at least one entry in "hosts"');
  if (Object.keys(clients).length === 0) fail('expected at least one entry in "clients"');
  for (const name of Object.keys(clients)) {
    if (name in hosts) fail(`"${name}" is both a host and a client; give each a distinct name`);
  }
  const target = value.target ?? hostNames[0];
  if (typeof target !== 'string' || !(target in hosts)) {
    fail(
      `expected "target" to name a host (${hostNames.join(', ')}), got ${JSON.stringify(target)}`,
    );
  }
  const allFiles = [...Object.values(clients), ...Object.values(hosts)];
  const files = value.files ?? [...new Set(allFiles)];
  if (
    !Array.isArray(files) ||
    !files.every((file) => typeof file === 'string' && FILE.test(file))
  ) {
    fail('expected "files" to be a list of .ts file names');
  }
  for (const file of allFiles) {
    if (!(files as string[]).includes(file)) fail(`"files" must list ${file}`);
  }
  return {
    title: value.title as string,
    hosts,
    clients,
    target: target as string,
    files: files as string[],
  };
}

function fileMap(
  raw: unknown,
  label: string,
  fail: (what: string) => never,
): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(`expected ${label} to be an object of name → file`);
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  for (const [name, file] of entries) {
    if (!NAME.test(name))
      fail(`${label}: "${name}" is not a host name (lowercase letters, digits, -)`);
    if (typeof file !== 'string' || !FILE.test(file)) {
      fail(`${label}: "${name}" must map to a .ts file name, got ${JSON.stringify(file)}`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
