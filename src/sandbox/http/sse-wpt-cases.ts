/**
 * The web-platform-tests `eventsource/format-*` cases, restated as data: the bytes each test's
 * server sends and what a browser's EventSource reports for them (every message's type, data and
 * lastEventId, and the reconnection time a `retry` field set). The WPT servers append "\n\n" and
 * then "\n" to each message unless a test asks for no newline; the streams below include that.
 * Where a test predates a spec change (an id containing U+0000 is now ignored), the current
 * WHATWG HTML "Server-sent events" rules decide.
 */
export interface SseFormatCase {
  /** The WPT file the case comes from (under eventsource/). */
  wpt: string;
  /** What the case checks, in a few words. */
  name: string;
  /** The response body as the server writes it (UTF-8 encoded before it reaches the decoder). */
  stream: string;
  /** The message events a browser dispatches, in order. */
  messages: Array<{ type: string; data: string; lastEventId: string }>;
  /** The reconnection time a valid `retry` field set, if any. */
  retry?: number;
}

const message = (data: string, lastEventId = '', type = 'message') => ({ type, data, lastEventId });
const longComment = 'x'.repeat(2048);

export const sseFormatCases: SseFormatCase[] = [
  {
    wpt: 'format-bom.htm',
    name: 'the decoder strips one leading BOM; a BOM later is part of the field name',
    stream: '\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3\n\n\n',
    messages: [message('1'), message('3')],
  },
  {
    wpt: 'format-bom-2.htm',
    name: 'of two leading BOMs only the first is stripped, so the first block has no data field',
    stream: '\uFEFF\uFEFFdata:1\n\ndata:2\n\ndata:3\n\n\n',
    messages: [message('2'), message('3')],
  },
  {
    wpt: 'format-comments.htm',
    name: 'comment lines of any length, ended by CR, LF or CR LF, are skipped between data lines',
    stream: `data:1\r:\0\n:\r\ndata:2\n:${longComment}\rdata:3\n:data:fail\r:${longComment}\ndata:4\n\n`,
    messages: [message('1\n2\n3\n4')],
  },
  {
    wpt: 'format-data-before-final-empty-line.htm',
    name: 'a block the stream ends before its blank line is never dispatched, nor its id kept',
    stream: 'retry:1000\ndata:test1\n\nid:test\ndata:test2\n',
    messages: [message('test1')],
    retry: 1000,
  },
  {
    wpt: 'format-field-data.htm',
    name: 'an empty data field dispatches an empty message; two bare "data" lines give one LF',
    stream: 'data:\n\ndata\ndata\n\ndata:test\n\n\n',
    messages: [message(''), message('\n'), message('test')],
  },
  {
    wpt: 'format-field-event.htm',
    name: 'the event field names the event type, for that block only',
    stream: 'event:test\ndata:x\n\ndata:x\n\n\n',
    messages: [message('x', '', 'test'), message('x')],
  },
  {
    wpt: 'format-field-event-empty.htm',
    name: 'an empty event field means the default type, message',
    stream: 'event: \ndata:data\n\n\n',
    messages: [message('data')],
  },
  {
    wpt: 'format-field-id.htm',
    name: 'the id field sets lastEventId, which later events keep',
    stream: 'id: 1\ndata: hello\n\ndata: again\n\n\n',
    messages: [message('hello', '1'), message('again', '1')],
  },
  {
    wpt: 'format-field-id-2.htm',
    name: 'an id field without a value resets lastEventId to the empty string',
    stream: 'id: …\ndata: hello\n\nid\ndata: bye\n\n\n',
    messages: [message('hello', '…'), message('bye', '')],
  },
  {
    wpt: 'format-field-id-null.htm',
    name: 'an id containing U+0000 is ignored',
    stream: 'id: 1\ndata: a\n\nid: \0\0\ndata: hello\n\n\n',
    messages: [message('a', '1'), message('hello', '1')],
  },
  {
    wpt: 'format-field-parsing.htm',
    name: 'field names are case-sensitive and exact; only one space after the colon is removed',
    stream:
      'data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n\n',
    messages: [message('\0\n 2\n1\n3\n\n4')],
  },
  {
    wpt: 'format-field-retry.htm',
    name: 'retry takes ASCII digits, leading zeros included',
    stream: 'retry:03000\ndata:x\n\n\n',
    messages: [message('x')],
    retry: 3000,
  },
  {
    wpt: 'format-field-retry-bogus.htm',
    name: 'a retry value with anything but digits is ignored, keeping the earlier valid one',
    stream: 'retry:2000\nretry:1000x\ndata:x\n\n\n',
    messages: [message('x')],
    retry: 2000,
  },
  {
    wpt: 'format-field-retry-empty.htm',
    name: 'a retry field without a value is ignored',
    stream: 'retry\ndata:test\n\n\n',
    messages: [message('test')],
  },
  {
    wpt: 'format-field-unknown.htm',
    name: 'unknown fields, lines without a colon and comments are ignored',
    stream: 'data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n\n',
    messages: [message('test\n\ntest')],
  },
  {
    wpt: 'format-leading-space.htm',
    name: 'only a space after the colon is removed, not a tab',
    stream: 'data:\ttest\rdata: \ndata:test\n\n\n',
    messages: [message('\ttest\n\ntest')],
  },
  {
    wpt: 'format-newlines.htm',
    name: 'CR LF, LF and CR all end lines, mixed in one stream',
    stream: 'data:test\r\ndata\ndata:test\r\n\r\n\n\n',
    messages: [message('test\n\ntest')],
  },
  {
    wpt: 'format-null-character.html',
    name: 'U+0000 in data is kept',
    stream: 'data:\0\n\n\n\n',
    messages: [message('\0')],
  },
  {
    wpt: 'format-utf-8.htm',
    name: 'the stream is UTF-8 whatever the charset says; a character may span chunks',
    stream: 'data:ok…\n\n\n',
    messages: [message('ok…')],
  },
];
