// `npm run sandbox -- <id> [--serve] [--port host=port] [--param name=value] [--timeout ms]`: runs a
// sandbox in Node on real loopback ports, prints what each host logs and the trace, and with --serve
// keeps the hosts up for curl. --param sets a param as the page's knob would (sandbox.json).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSandboxInNode } from '../src/sandbox/node/harness.ts';
import { keepServing, startServing } from '../src/sandbox/node/serve.ts';
import { SANDBOX_ID } from '../src/sandbox/runtime/sandbox-id.ts';
import type { TraceEvent } from '../src/sandbox/trace/events.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage =
  'usage: npm run sandbox -- <id | id.name> [--serve] [--port host=port]… [--param name=value]… [--timeout ms]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    serve: { type: 'boolean', default: false },
    port: { type: 'string', multiple: true, default: [] },
    param: { type: 'string', multiple: true, default: [] },
    timeout: { type: 'string', default: '10000' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const [id] = positionals;
if (values.help || !id) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
const dir = join(root, 'sandboxes', id);
if (!SANDBOX_ID.test(id) || !existsSync(join(dir, 'sandbox.json'))) {
  console.error(`No sandbox "${id}": expected sandboxes/${id}/sandbox.json\n${usage}`);
  process.exit(2);
}
const ports: Record<string, number> = {};
for (const item of values.port) {
  const [host, port] = item.split('=');
  if (!host || !/^\d+$/.test(port ?? '')) {
    console.error(`--port expects host=port, got "${item}"`);
    process.exit(2);
  }
  ports[host] = Number(port);
}

const known = (
  JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')) as {
    params?: Record<string, { min: number; max: number }>;
  }
).params;
const params: Record<string, number> = {};
for (const item of values.param) {
  const [name = '', value = ''] = item.split('=');
  const range = known?.[name];
  if (!range || !/^-?\d+(\.\d+)?$/.test(value) || +value < range.min || +value > range.max) {
    const names = Object.entries(known ?? {}).map(
      ([key, { min, max }]) => `${key} (${min}–${max})`,
    );
    console.error(
      `--param expects name=value, one of: ${names.join(', ') || 'none'}; got "${item}"`,
    );
    process.exit(2);
  }
  params[name] = Number(value);
}

let width = 6;
const lines: string[] = [];
const describe = (event: TraceEvent): string => {
  const route = `${event.from} → ${event.to}`.padEnd(width * 2 + 3);
  const head = `${event.t.toFixed(1).padStart(8)} ms  ${event.exchange.padEnd(4)}${route}  `;
  const path = (url: string) => {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  };
  switch (event.kind) {
    case 'request':
      return (
        head +
        `${event.method} ${path(event.url)}${event.bodySize ? `  (${event.bodySize} B body)` : ''}`
      );
    case 'response':
      return head + `${event.status} ${event.statusText}`;
    case 'body-chunk':
      return head + `  body chunk, ${event.size} B`;
    case 'body-end':
      return head + `  end of body, ${event.size} B in all`;
    case 'sse-event':
      if (event.comment !== undefined) return head + `  SSE comment: ${event.comment}`;
      return (
        head +
        `  SSE ${event.event ?? 'message'}${event.id === undefined ? '' : ` id=${event.id}`}` +
        `${event.retry === undefined ? '' : ` retry=${event.retry}`}: ${JSON.stringify(event.data)}`
      );
    case 'ws-open':
      return head + `WebSocket open ${path(event.url)}`;
    case 'ws-message':
      return (
        head +
        `WebSocket ${event.binary ? `binary message, ${event.size} B` : `message ${JSON.stringify(event.preview)}`}`
      );
    case 'ws-close':
      return head + `WebSocket close ${event.code}${event.reason ? ` ${event.reason}` : ''}`;
    case 'error':
      return head + `error: ${event.message}`;
    case 'abort':
      return head + 'aborted';
  }
};

let printTraceLive = false;
let errors = 0;
// Serve mode adds CORS headers from the start, so the demo's trace shows what curl will see.
const sandbox = await (values.serve ? startServing : startSandboxInNode)(dir, {
  timeoutMs: Number(values.timeout),
  ports,
  params,
  log({ host, level, text }) {
    if (level === 'error') errors++;
    // One stream keeps the lines in the order they happened.
    for (const line of text.split('\n'))
      console.log(`[${host.padEnd(width)}] ${level === 'log' ? '' : `${level}: `}${line}`);
  },
  onTrace(event) {
    if (printTraceLive) console.log(describe(event));
    else lines.push(describe(event));
  },
});
width = Math.max(
  6,
  ...[...Object.keys(sandbox.manifest.hosts), ...Object.keys(sandbox.manifest.clients)].map(
    (n) => n.length,
  ),
);
lines.length = 0;

console.log(`${id}: ${sandbox.manifest.title}`);
for (const [host, port] of Object.entries(sandbox.ports)) {
  console.log(`  ${host.padEnd(width)} on port ${port}  (http://127.0.0.1:${port}/)`);
}
console.log('');
await sandbox.runClients();
console.log('\nTrace:');
for (const line of lines) console.log(line);

if (!values.serve) {
  await sandbox.close();
  // Sandbox code may leave timers behind; the run is over, so the process is too.
  process.exit(errors > 0 ? 1 : 0);
}

const served = await keepServing(sandbox);
printTraceLive = true;
console.log(
  '\nStill serving, restarted with fresh state; try it with curl, a browser or any client' +
    ' (README.md, "Trying a sandbox with curl"). Ctrl+C stops.',
);
console.log('Every answer allows any origin (CORS), so a page of your own can call it too.');
for (const [host, url] of Object.entries(sandbox.urls)) {
  const http2 = served.http2[host]?.href ?? '';
  console.log(`  ${host.padEnd(width)} ${url.href}   HTTP/2 (prior knowledge): ${http2}`);
}
const stop = async () => {
  await served.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
