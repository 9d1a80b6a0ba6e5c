import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './sse-parser.ts';

function parse(...chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('createSseParser', () => {
  it('parses id, event, data and retry fields', () => {
    expect(parse('retry: 1500\nid: 7\nevent: tick\ndata: hello\n\n')).toEqual([
      { id: '7', event: 'tick', data: 'hello', retry: 1500 },
    ]);
  });

  it('joins data lines with a newline and removes only one leading space', () => {
    expect(parse('data: a\ndata:  b\ndata\ndata:c\n\n')).toEqual([{ data: 'a\n b\n\nc' }]);
  });

  it('accepts CRLF, LF and CR line endings, even when a chunk splits CR LF', () => {
    expect(parse('data: 1\r', '\n\r', '\ndata: 2\r\rdata: 3\n\n')).toEqual([
      { data: '1' },
      { data: '2' },
      { data: '3' },
    ]);
  });

  it('handles chunks split in the middle of a field', () => {
    expect(parse('da', 'ta: hel', 'lo\n', '\n')).toEqual([{ data: 'hello' }]);
  });

  it('emits comment lines as their own events so keep-alives are visible', () => {
    expect(parse(': keep-alive\n\n:raw\ndata: x\n\n')).toEqual([
      { data: '', comment: 'keep-alive' },
      { data: '', comment: 'raw' },
      { data: 'x' },
    ]);
  });

  it('does not dispatch a block without data, but keeps its id and retry for the next event', () => {
    expect(parse('id: 3\nretry: 10\n\ndata: later\n\n')).toEqual([
      { id: '3', retry: 10, data: 'later' },
    ]);
  });

  it('ignores invalid retry values, ids containing NUL and unknown fields (a BOM left by the decoder starts one)', () => {
    expect(parse('\uFEFFretry: 1s\nid: a\0b\nfoo: bar\ndata: ok\n\n')).toEqual([{ data: 'ok' }]);
  });

  it('resets the event type after each dispatch and drops an unterminated final block', () => {
    expect(parse('event: a\ndata: 1\n\ndata: 2\n\ndata: 3')).toEqual([
      { event: 'a', data: '1' },
      { data: '2' },
    ]);
  });

  it('keeps an empty id, which tells the client to forget its Last-Event-ID', () => {
    expect(parse('id\ndata: x\n\n')).toEqual([{ id: '', data: 'x' }]);
  });
});
