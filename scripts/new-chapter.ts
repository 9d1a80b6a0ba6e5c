// `npm run new:chapter -- <id> [--title "…"] [--root dir]`: scaffolds a chapter page and its sandbox
// folder (manifest, server, client and a passing test), so a contributor starts from a working run.
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const usage = 'usage: npm run new:chapter -- <id> [--title "Chapter title"]';

import { CHAPTER_ID } from '../src/sandbox/runtime/sandbox-id.ts';

/** The same rule as the `sandbox` field in src/content.config.ts: lowercase words joined by hyphens. */
export { CHAPTER_ID };

/**
 * The files of a new chapter, by path relative to the repository root.
 *
 * @example
 * chapterFiles('long-polling', 'Long polling')['sandboxes/long-polling/server.ts'];
 */
export function chapterFiles(id: string, title: string): Record<string, string> {
  const page = `---
title: '${title.replaceAll("'", "''")}'
description: TODO one sentence on what a reader learns here; search results and link previews show it.
sandbox: ${id}
related: []
---

import Sandbox from '../../../sandbox/ui/Sandbox.astro';

TODO every line that starts with TODO is an instruction to you, the author: replace it with your
own prose. The content test (npm run test:unit) fails while any TODO line is left.

TODO open with the problem this pattern solves, in two or three sentences a backend engineer recognises.

## How it works

TODO walk through one exchange step by step, and say what crosses the wire at each step.

## On the wire

TODO show the real bytes of one exchange (run \`npm run sandbox -- ${id}\` to see them) and explain them.

## Pros and cons

TODO list what the pattern buys and what it costs: latency, connections, server state, failure modes.

## When to use it, and when not

TODO name the situations where it fits, and the pattern to reach for when it does not.

## In real systems

TODO name two or three real systems or protocols that use it, with links to their documentation.

## Summary

TODO list the chapter's main points in five or six bullets a reader can check themselves against.

## Try it

TODO say what the sandbox below does, and what to change in its code to see the pattern's limits.

<Sandbox id="${id}">

TODO replace with numbered steps the reader follows beside the code: what to press, change and watch.

</Sandbox>

## Sources

TODO link every standard and vendor page behind a fact, number, default or version above, for example
[RFC 9110](https://www.rfc-editor.org/rfc/rfc9110), with a few words on what the reader finds there.
`;

  const manifestTitle = 'A client asks the server for a greeting; the server answers';

  const server = `// The server: a web-standard fetch handler. Replace it with the pattern's server side.
export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== '/hello') return Response.json({ error: 'not found' }, { status: 404 });
    const name = url.searchParams.get('name') ?? 'world';
    console.log(\`greeting \${name}\`);
    return Response.json({ greeting: \`hello, \${name}\` });
  },
};
`;

  const client = `// The client: it gets the server's URL and uses fetch, EventSource or WebSocket like a browser would.
export default async function main(server: URL): Promise<void> {
  const response = await fetch(new URL('/hello?name=reader', server));
  const body = (await response.json()) as { greeting: string };
  console.log(response.status, body.greeting);
}
`;

  const test = `import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runSandboxInNode } from '#harness';

// Assert the pattern's promise over real sockets; change this as the sandbox grows.
it('${id}: the client gets an answer over real sockets', async () => {
  const { logs, trace } = await runSandboxInNode(fileURLToPath(new URL('./', import.meta.url)));
  expect(logs).toContainEqual({ host: 'client', level: 'log', text: '200 hello, reader' });
  expect(logs.filter((line) => line.level === 'error')).toEqual([]);
  const exchanges = trace.flatMap((event) => {
    if (event.kind === 'request')
      return [\`\${event.from} → \${event.to} \${event.method} \${new URL(event.url).pathname}\`];
    if (event.kind === 'response') return [\`\${event.from} → \${event.to} \${event.status}\`];
    return [];
  });
  expect(exchanges).toEqual(['client → server GET /hello', 'server → client 200']);
});
`;

  return {
    [`src/content/docs/patterns/${id}.mdx`]: page,
    // Written by hand so the file is already in Prettier's style.
    [`sandboxes/${id}/sandbox.json`]: `{
  "title": ${JSON.stringify(manifestTitle)},
  "hosts": { "server": "server.ts" },
  "clients": { "client": "client.ts" },
  "files": ["client.ts", "server.ts"]
}
`,
    [`sandboxes/${id}/server.ts`]: server,
    [`sandboxes/${id}/client.ts`]: client,
    [`sandboxes/${id}/${id}.test.ts`]: test,
  };
}

/** "long-polling" → "Long polling". */
const titleFromId = (id: string): string => {
  const words = id.split('-').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function main(): number {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        title: { type: 'string' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [id, ...extra] = positionals;
  if (!id || extra.length > 0) {
    console.error(usage);
    return 2;
  }
  if (!CHAPTER_ID.test(id) || id.length > 60) {
    console.error(
      `"${id}" is not a chapter id: use lowercase words joined by hyphens, like "long-polling".` +
        (id.includes('.')
          ? ' A second sandbox for an existing chapter is a folder sandboxes/<chapter>.<name>/ (see Adding a chapter).'
          : ''),
    );
    return 2;
  }
  const title = (values.title ?? titleFromId(id)).trim();
  if (title === '' || /[\n\r]/.test(title) || title.startsWith('-')) {
    console.error('--title must be one line of text.');
    return 2;
  }
  const root = resolve(values.root ?? fileURLToPath(new URL('..', import.meta.url)));
  const page = join(root, 'src/content/docs/patterns', `${id}.mdx`);
  const folder = join(root, 'sandboxes', id);
  for (const existing of [page, folder]) {
    if (existsSync(existing)) {
      console.error(
        `"${id}" already exists: ${relative(root, existing)}. Pick another id, or edit the existing chapter.`,
      );
      return 1;
    }
  }

  const files = chapterFiles(id, title);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text, { flag: 'wx' });
    console.log(`created ${path}`);
  }
  console.log(`
Next steps:
  1. Add 'patterns/${id}' to the "Patterns" sidebar in astro.config.mjs, where it belongs in the reading order.
  2. Write the chapter: replace every TODO line in src/content/docs/patterns/${id}.mdx
     (the content test fails until none is left).
  3. Replace sandboxes/${id}/server.ts and client.ts with the pattern, give sandbox.json a "title"
     that says what the sandbox shows, and make ${id}.test.ts assert the pattern's promise.
  4. Try it: npm run sandbox -- ${id}     (add --serve to keep it up for curl)
     Test it: npx vitest run sandboxes/${id} test/sandboxes.test.ts
  5. Preview the page: npm run dev`);
  return 0;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  process.exitCode = main();
}
