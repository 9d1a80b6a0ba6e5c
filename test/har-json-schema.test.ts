// The independent HAR check must be able to say no, or the sandboxes' export check proves nothing.
import { expect, it } from 'vitest';
import { harSchemaErrors } from './har-json-schema.ts';

const entry = {
  startedDateTime: '2026-12-06T06:00:00.000Z',
  time: 2,
  request: {
    method: 'GET',
    url: 'http://server.test/',
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: [],
    queryString: [],
    headersSize: -1,
    bodySize: 0,
  },
  response: {
    status: 200,
    statusText: 'OK',
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: [],
    content: { size: 0, mimeType: 'text/plain' },
    redirectURL: '',
    headersSize: -1,
    bodySize: 0,
  },
  cache: {},
  timings: { send: 0, wait: 1, receive: 1 },
};
const har = (entries: unknown[]) => ({
  log: { version: '1.2', creator: { name: 'test', version: '1' }, entries },
});

it('accepts a minimal valid HAR 1.2', () => {
  expect(harSchemaErrors(har([entry]))).toEqual([]);
});

it('names what is missing or mistyped', () => {
  const { timings: _timings, ...noTimings } = entry;
  expect(harSchemaErrors(har([noTimings]))).toContain(
    "/log/entries/0: must have required property 'timings'",
  );
  expect(harSchemaErrors(har([{ ...entry, startedDateTime: 'yesterday' }])).join('\n')).toMatch(
    /startedDateTime/,
  );
});
