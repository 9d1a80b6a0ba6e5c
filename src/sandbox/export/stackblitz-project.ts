/**
 * Builds the "Open in StackBlitz" project for a sandbox: a plain Node project made of the sandbox's
 * own files plus run.ts, the same wiring the Node harness uses. Environment-neutral and pure; the two
 * source texts come in through the bundler's `?raw` imports, so there is one copy of each in the repo.
 */
import runSource from '../node/stackblitz-run.ts?raw';
import runTypesSource from '../node/run-types.ts?raw';
import runScopeSource from '../node/run-scope.ts?raw';
import hostServerSource from '../node/host-server.ts?raw';
import hostWebSocketSource from '../node/host-websocket.ts?raw';
import rawHeadersSource from '../node/raw-headers.ts?raw';
import sendResponseSource from '../node/send-response.ts?raw';
import cookieJarSource from '../http/cookie-jar.ts?raw';
import contractSource from '../contract/sandbox.ts?raw';
import manifestSource from '../contract/manifest.ts?raw';
import reasonPhrasesSource from '../http/reason-phrases.ts?raw';
import envTypes from '../../../sandboxes/sandbox-env.d.ts?raw';
import type { SandboxManifest } from '../contract/manifest.ts';

/**
 * The wiring modules copied into the project, by their path under src/sandbox/ and their name in the
 * project (one flat folder, which is what a reader opening it expects).
 */
const WIRING_MODULES = [
  { path: 'node/stackblitz-run.ts', name: 'run.ts', text: runSource },
  { path: 'node/run-types.ts', name: 'run-types.ts', text: runTypesSource },
  { path: 'node/run-scope.ts', name: 'run-scope.ts', text: runScopeSource },
  { path: 'node/host-server.ts', name: 'host-server.ts', text: hostServerSource },
  { path: 'node/host-websocket.ts', name: 'host-websocket.ts', text: hostWebSocketSource },
  { path: 'node/raw-headers.ts', name: 'raw-headers.ts', text: rawHeadersSource },
  { path: 'node/send-response.ts', name: 'send-response.ts', text: sendResponseSource },
  { path: 'http/cookie-jar.ts', name: 'cookie-jar.ts', text: cookieJarSource },
  { path: 'contract/sandbox.ts', name: 'sandbox-contract.ts', text: contractSource },
  { path: 'contract/manifest.ts', name: 'sandbox-manifest.ts', text: manifestSource },
  { path: 'http/reason-phrases.ts', name: 'reason-phrases.ts', text: reasonPhrasesSource },
];

/**
 * A wiring module's text with each relative import pointed at its copy in the flat project folder.
 * Throws when a module imports a repository file the project does not carry.
 *
 * @example
 * flattenImports("import { x } from '../http/cookie-jar.ts';", 'node/stackblitz-run.ts');
 * // "import { x } from './cookie-jar.ts';"
 */
export function flattenImports(text: string, path: string): string {
  const folder = path.split('/').slice(0, -1);
  return text.replace(
    /(from\s+')(\.{1,2}\/[^']+)(')/g,
    (_match, head: string, spec: string, tail: string) => {
      const parts = [...folder];
      for (const part of spec.split('/')) {
        if (part === '..') parts.pop();
        else if (part !== '.') parts.push(part);
      }
      const module = WIRING_MODULES.find((item) => item.path === parts.join('/'));
      if (!module)
        throw new Error(`StackBlitz export: ${path} imports ${spec}, which the project lacks`);
      return `${head}./${module.name}${tail}`;
    },
  );
}

/** The shape `@stackblitz/sdk` takes for `openProject` / `embedProject`. */
export interface StackblitzProject {
  title: string;
  description: string;
  template: 'node';
  files: Record<string, string>;
}

/**
 * Versions pinned to a major. StackBlitz's Node lags (18–20), so each must still support Node 18:
 * eventsource 4+ and 5 need Node 20+ and 22+, hence 3.
 */
export const STACKBLITZ_DEPENDENCIES = {
  eventsource: '^3.0.7',
  tsx: '^4.20.0',
  ws: '^8.18.0',
} as const;

export const STACKBLITZ_DEV_DEPENDENCIES = {
  '@types/node': '^20.19.0',
  '@types/ws': '^8.18.0',
} as const;

/** The project's tsconfig: Node's types and the DOM's, as the sandbox files use both. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2022', 'DOM'],
    types: ['node'],
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
  },
  include: ['*.ts'],
} as const;

/** The project's README: how to run it, and which file is what. */
function readme(
  id: string,
  manifest: SandboxManifest,
  target: string,
  chapterUrl: string | undefined,
): string {
  const hostNames = Object.keys(manifest.hosts);
  const hostList = hostNames
    .map((name) => `- \`${manifest.hosts[name]}\` — the \`${name}\` host`)
    .join('\n');
  const clientList = Object.entries(manifest.clients)
    .map(([name, file]) => `- \`${file}\` — the \`${name}\` client (it talks to \`${target}\`)`)
    .join('\n');
  return `# ${manifest.title}

The \`${id}\` sandbox from *Backend Communication Patterns*${chapterUrl ? `: read the chapter at ${chapterUrl}` : ''}.

## Run it

\`\`\`sh
npm install
npm start
\`\`\`

\`npm start\` runs \`run.ts\`: it serves each host on a real port on 127.0.0.1 with \`node:http\`
(WebSocket hooks through the \`ws\` package), then runs each client against it and prints every line
labelled with the host that printed it. Edit the files and run it again.

## Files

${clientList}
${hostList}
- \`sandbox.json\` — which file is which host or client
- \`run.ts\` — the wiring: ports, a cookie jar for the client's \`fetch\` (as a browser keeps one),
  \`EventSource\` (the \`eventsource\` package) and \`WebSocket\`
- \`sandbox-contract.ts\` — what a host and a client export and receive: \`env\`, a WebSocket peer
- \`sandbox-manifest.ts\` — the shape of \`sandbox.json\` and the default values of its params
- \`sandbox-env.d.ts\` — makes \`SandboxEnv\` and \`SandboxPeer\` usable in every file without an import
`;
}

/**
 * Creates the StackBlitz project for sandbox `id`. `files` holds the sandbox's files by name
 * (at least every file the manifest names); they are copied unchanged.
 *
 * @example
 * const project = createStackblitzProject('request-response', manifest, {
 *   'client.ts': clientSource,
 *   'server.ts': serverSource,
 * }, { chapterUrl: 'https://example.org/patterns/request-response/' });
 * sdk.openProject(project, { openFile: 'client.ts' });
 */
export function createStackblitzProject(
  id: string,
  manifest: SandboxManifest,
  files: Record<string, string>,
  options: { chapterUrl?: string } = {},
): StackblitzProject {
  const hostNames = Object.keys(manifest.hosts);
  const target = manifest.target ?? hostNames[0] ?? 'server';
  const named = [
    ...new Set([
      ...(manifest.files ?? []),
      ...Object.values(manifest.clients),
      ...Object.values(manifest.hosts),
    ]),
  ];
  for (const file of named) {
    if (typeof files[file] !== 'string')
      throw new Error(`createStackblitzProject(${id}): missing ${file}`);
  }

  const sandboxFiles: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    // Only the code that runs: tests and exercises stay with the site, the manifest is generated.
    if (name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'exercises.ts')
      sandboxFiles[name] = text;
  }

  const packageJson = {
    name: `sandbox-${id}`,
    private: true,
    type: 'module',
    description: manifest.title,
    scripts: { start: 'tsx run.ts' },
    // sandbox-env.d.ts takes the contract's types from here, as it does in the site's repository.
    imports: { '#contract': './sandbox-contract.ts' },
    dependencies: STACKBLITZ_DEPENDENCIES,
    devDependencies: STACKBLITZ_DEV_DEPENDENCIES,
  };

  const sandboxJson = {
    title: manifest.title,
    hosts: manifest.hosts,
    clients: manifest.clients,
    target,
    files: manifest.files ?? named,
    // run.ts gives the code each param's default as env.params.<name>.
    ...(manifest.params ? { params: manifest.params } : {}),
  };

  return {
    title: `${id} — Backend Communication Patterns`,
    description: manifest.title,
    template: 'node',
    files: {
      ...sandboxFiles,
      'sandbox.json': `${JSON.stringify(sandboxJson, null, 2)}\n`,
      'sandbox-env.d.ts': envTypes,
      ...Object.fromEntries(
        WIRING_MODULES.map((module) => [module.name, flattenImports(module.text, module.path)]),
      ),
      'package.json': `${JSON.stringify(packageJson, null, 2)}\n`,
      'tsconfig.json': `${JSON.stringify(TSCONFIG, null, 2)}\n`,
      'README.md': readme(id, manifest, target, options.chapterUrl),
    },
  };
}
