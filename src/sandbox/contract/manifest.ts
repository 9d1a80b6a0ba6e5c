/**
 * `sandbox.json`, the manifest of a sandbox folder: its types and the one parser the page, the Node
 * harness and the StackBlitz project's run.ts use. Environment-neutral.
 */

/** `sandboxes/<id>/sandbox.json`: which file is which host, and which files clients run. */
export interface SandboxManifest {
  /** One line shown above the code, for example "A client POSTs JSON; the server validates it". */
  title: string;
  /** Server-like hosts: host name → file. Each serves `fetch(request, env)` (and optional WebSocket hooks). */
  hosts: Record<string, string>;
  /** Clients: name → file. Each default-exports `main(target, env)`, run once per Run. */
  clients: Record<string, string>;
  /** The host each client's `target` URL points at. Defaults to the first host. */
  target?: string;
  /** Tab order of the files shown; defaults to clients, then hosts. */
  files?: string[];
  /**
   * Numbers the reader can turn in the page (a poll interval, a timeout) without editing code.
   * Code reads them as `env.params.<name>`; Node and StackBlitz runs use the defaults.
   */
  params?: Record<string, SandboxParam>;
  /** Fault buttons shown above the trace, for example "Drop the stream" or "Restart server". */
  faults?: SandboxFault[];
  /**
   * Emulates a browser's HTTP/1.1 limit of open connections per client and host (browsers use 6):
   * a request beyond it waits until one finishes. Unset means no limit.
   */
  connectionLimit?: number;
  /**
   * Left-to-right order of the traffic view's lifelines, naming every host and client once. Unset,
   * the view puts clients first and a single host shared by several clients in the middle; set it
   * when the hub (a broker, a backplane) is one of several hosts, so it is not at an edge.
   */
  lanes?: string[];
}

/** A number the reader can change before a run (see `SandboxManifest.params`). */
export interface SandboxParam {
  label: string;
  default: number;
  min: number;
  max: number;
  step?: number;
}

/** A fault button: cut every open connection of a host or client, or restart a host (its memory is lost). */
export interface SandboxFault {
  kind: 'drop-connections' | 'restart-host';
  host: string;
  label: string;
}

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
  const params = parseParams(value.params, fail);
  const everyone = [...Object.keys(hosts), ...Object.keys(clients)];
  const faults = parseFaults(value.faults, everyone, Object.keys(hosts), fail);
  const limit = value.connectionLimit ?? 0;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
    fail('expected "connectionLimit" to be a whole number of connections (browsers use 6)');
  }
  const lanes = parseLanes(value.lanes, everyone, fail);
  return {
    title: value.title as string,
    hosts,
    clients,
    target: target as string,
    files: files as string[],
    params,
    faults,
    connectionLimit: limit as number,
    lanes,
  };
}

/** `lanes`, when set, is an order of every host and client: none left out, none twice. */
function parseLanes(raw: unknown, everyone: string[], fail: (what: string) => never): string[] {
  if (raw === undefined) return [];
  const names = Array.isArray(raw) ? (raw as unknown[]) : [];
  const exact = names.length === everyone.length && everyone.every((name) => names.includes(name));
  if (!exact) fail(`expected "lanes" to list each of ${everyone.join(', ')} once`);
  return names as string[];
}

/** Default values of a manifest's params: what code sees outside the page. */
export function defaultParams(manifest: Pick<SandboxManifest, 'params'>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(manifest.params ?? {}).map(([name, param]) => [name, param.default]),
  );
}

function parseParams(raw: unknown, fail: (what: string) => never): Record<string, SandboxParam> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('expected "params" to be an object of name → { label, default, min, max }');
  }
  const params: Record<string, SandboxParam> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const param = value as Partial<SandboxParam> | null;
    const numbers = [param?.default, param?.min, param?.max];
    if (
      !/^[a-zA-Z][a-zA-Z0-9]*$/.test(name) ||
      typeof param?.label !== 'string' ||
      !numbers.every((number) => typeof number === 'number' && Number.isFinite(number)) ||
      (param.step !== undefined && typeof param.step !== 'number')
    ) {
      fail(`"params.${name}" needs a camelCase name, a label and numeric default, min and max`);
    }
    const checked = param as SandboxParam;
    if (checked.default < checked.min || checked.default > checked.max) {
      fail(`"params.${name}": default ${checked.default} is outside ${checked.min}–${checked.max}`);
    }
    params[name] = checked;
  }
  return params;
}

function parseFaults(
  raw: unknown,
  everyone: string[],
  hosts: string[],
  fail: (what: string) => never,
): SandboxFault[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return fail('expected "faults" to be a list');
  return raw.map((value: Partial<SandboxFault> | null, index) => {
    const kinds = ['drop-connections', 'restart-host'];
    if (!value || !kinds.includes(value.kind ?? '') || typeof value.label !== 'string') {
      fail(`"faults[${index}]" needs a kind (${kinds.join(' or ')}), a host and a label`);
    }
    const names = value?.kind === 'restart-host' ? hosts : everyone;
    if (!names.includes(value?.host ?? '')) {
      fail(`"faults[${index}].host" must be one of ${names.join(', ')}`);
    }
    return value as SandboxFault;
  });
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
