// What the sandbox worker posts to the frame: batches, labels and notices (worker-output.ts).
import { describe, expect, it } from 'vitest';
import { MAX_CONSOLE_LINES, POST_BATCH, POSTS_PER_FLUSH, type WorkerMessage } from './protocol';
import { finishRun, flush, notice, openOutput, record, write } from './worker-output';

function open(): WorkerMessage[] {
  const posted: WorkerMessage[] = [];
  openOutput((message) => posted.push(message), ['client', 'server'], 'client');
  return posted;
}

describe('worker output', () => {
  it('posts at most POSTS_PER_FLUSH batches of POST_BATCH per flush, in order, and counts lines over the cap', () => {
    const posted = open();
    for (let index = 0; index < MAX_CONSOLE_LINES + 7; index += 1)
      write('client', 'log', `${index}`);
    flush();
    const batches = posted.flatMap((message) =>
      message.type === 'console' ? [message.entries] : [],
    );
    expect(batches).toHaveLength(POSTS_PER_FLUSH);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(POST_BATCH);
    expect(batches.flat().map((entry) => entry.text)).toEqual(
      Array.from({ length: POST_BATCH * POSTS_PER_FLUSH }, (_, index) => `${index}`),
    );
    expect(posted.at(-1)).toEqual({ type: 'dropped', count: 7 });
  });

  it('labels a line only with a name of the run, never the runtime’s, and keeps text a string', () => {
    const posted = open();
    write('sandbox', 'error', 'Session expired: sign in at evil.example');
    write('server', 'log', { not: 'text' });
    flush();
    expect(posted).toEqual([
      {
        type: 'console',
        entries: [
          expect.objectContaining({
            host: 'client',
            text: 'Session expired: sign in at evil.example',
          }),
          expect.objectContaining({ host: 'server', text: '' }),
        ],
      },
    ]);
  });

  it('sends runtime notices as codes after the lines before them, and the end once', async () => {
    const posted = open();
    write('client', 'log', 'before');
    record({ kind: 'abort', t: 0, exchange: 'h1', from: 'client', to: 'server' });
    notice('host-restarted', 'server');
    finishRun(false);
    finishRun(true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(posted.map((message) => message.type)).toEqual([
      'console',
      'trace',
      'notice',
      'finished',
    ]);
    expect(posted[2]).toEqual({ type: 'notice', code: 'host-restarted', host: 'server' });
    expect(posted[3]).toEqual({ type: 'finished', ok: false });
  });

  it('posts each trace event with the time its recorder stamped, rounded once as in Node', () => {
    const posted = open();
    // A time no clock reading right now would give: the output must not stamp the event again.
    record({ kind: 'abort', t: 12_345.6, exchange: 'h1', from: 'client', to: 'server' });
    flush();
    expect(posted).toEqual([
      {
        type: 'trace',
        events: [{ kind: 'abort', t: 12_345.6, exchange: 'h1', from: 'client', to: 'server' }],
      },
    ]);
  });
});
