import { describe, expect, it } from 'vitest';
import {
  MAX_BATCH,
  POST_BATCH,
  consoleEntryBytes,
  parseRunnerMessage,
  traceEventBytes,
} from './protocol';
import type { TraceEvent } from '../trace/events';

const request = (exchange: string, headers: Array<[string, string]> = []): TraceEvent => ({
  kind: 'request',
  t: 1,
  exchange,
  from: 'client',
  to: 'server',
  method: 'GET',
  url: 'http://server.test/',
  headers,
  bodySize: 0,
  bodyPreview: '',
});

describe('parseRunnerMessage: what the page keeps of a batch', () => {
  it('drops a malformed trace event on its own and counts it, never the batch', () => {
    const big = 'x'.repeat(70 * 1024);
    const sse = {
      kind: 'sse-event',
      t: 2,
      exchange: 'h2',
      from: 'server',
      to: 'client',
      data: big,
    };
    const message = parseRunnerMessage({
      type: 'trace',
      run: 1,
      events: [request('h1'), sse, request('h3', [['x-big', big]]), request('h4')],
    });
    expect(message).toEqual({
      type: 'trace',
      run: 1,
      events: [request('h1'), request('h4')],
      malformed: 2,
    });
  });

  it('keeps the valid console entries of a batch and counts the rest', () => {
    const line = { host: 'client', level: 'log', text: 'hi', t: 0 };
    const message = parseRunnerMessage({
      type: 'console',
      run: 2,
      entries: [line, { ...line, level: 'html' }, { ...line, text: 7 }, null, line],
    });
    expect(message).toEqual({ type: 'console', run: 2, entries: [line, line], malformed: 3 });
  });

  it('refuses a batch over MAX_BATCH whole, counting every item, and a non-array outright', () => {
    const events = Array.from({ length: MAX_BATCH + 1 }, (_, index) => request(`h${index}`));
    expect(parseRunnerMessage({ type: 'trace', run: 3, events })).toEqual({
      type: 'trace',
      run: 3,
      events: [],
      malformed: MAX_BATCH + 1,
    });
    expect(parseRunnerMessage({ type: 'trace', run: 3, events: 'x' })).toBeUndefined();
    expect(POST_BATCH).toBeLessThanOrEqual(MAX_BATCH);
  });

  it('takes notices only as known codes', () => {
    expect(parseRunnerMessage({ type: 'notice', run: 4, code: 'trace-cap' })).toEqual({
      type: 'notice',
      run: 4,
      code: 'trace-cap',
    });
    expect(
      parseRunnerMessage({ type: 'notice', run: 4, code: 'host-restarted', host: 'server' }),
    ).toEqual({ type: 'notice', run: 4, code: 'host-restarted', host: 'server' });
    expect(parseRunnerMessage({ type: 'notice', run: 4, code: 'sign in at evil.example' })).toBe(
      undefined,
    );
    expect(parseRunnerMessage({ type: 'notice', run: 4, code: 'trace-cap', host: 5 })).toBe(
      undefined,
    );
  });
});

describe('byte estimates for the page’s per-run budget', () => {
  it('count every string a kept item holds, headers included', () => {
    const small = traceEventBytes(request('h1'));
    expect(traceEventBytes(request('h1', [['x-big', 'x'.repeat(1000)]]))).toBeGreaterThan(
      small + 2000,
    );
    expect(consoleEntryBytes({ host: 'client', level: 'log', text: 'x'.repeat(500), t: 0 })).toBe(
      64 + 2 * 506,
    );
  });
});
