import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse-parser.ts';
import { sseFormatCases, type SseFormatCase } from './sse-wpt-cases.ts';

/**
 * Decodes `bytes` as the trace does (TextDecoder, which strips one leading BOM, as the spec's UTF-8
 * decode does), feeds the parser in chunks of `size` bytes, and folds its events into what a
 * browser's EventSource would report.
 */
function asBrowserSees(bytes: Uint8Array, size: number) {
  const messages: SseFormatCase['messages'] = [];
  let lastEventId = '';
  let retry: number | undefined;
  const parser = createSseParser((event) => {
    if (event.comment !== undefined) return;
    if (event.id !== undefined) lastEventId = event.id;
    if (event.retry !== undefined) retry = event.retry;
    messages.push({ type: event.event ?? 'message', data: event.data, lastEventId });
  });
  const decoder = new TextDecoder();
  for (let at = 0; at < bytes.length; at += size) {
    parser.push(decoder.decode(bytes.subarray(at, at + size), { stream: true }));
  }
  parser.push(decoder.decode());
  return { messages, retry };
}

describe('the SSE parser against the web-platform-tests eventsource/format-* cases', () => {
  for (const testCase of sseFormatCases) {
    const bytes = new TextEncoder().encode(testCase.stream);
    const expected = { messages: testCase.messages, retry: testCase.retry };
    it(`${testCase.wpt}: ${testCase.name}`, () => {
      expect(asBrowserSees(bytes, bytes.length)).toEqual(expected);
    });
    it(`${testCase.wpt}, one byte at a time`, () => {
      expect(asBrowserSees(bytes, 1)).toEqual(expected);
    });
  }
});
